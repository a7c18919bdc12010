import { describe, expect, it } from 'vitest';
import { startNotifySocketListener } from '../../../test/support/notify-socket-listener.js';
import { createSystemdNotifier } from './create-notifier.js';

const log = { warn: () => undefined, info: () => undefined };

describe('createSystemdNotifier', () => {
  it('does nothing when the box is not under systemd', async () => {
    const n = createSystemdNotifier({ log, env: { WATCHDOG_USEC: '1000000' } });
    expect(n.active).toBe(false);
    expect(n.watchdogIntervalMs).toBeUndefined();
    await expect(n.ready()).resolves.toBeUndefined();
  });

  it('talks to $NOTIFY_SOCKET and takes the ping interval from $WATCHDOG_USEC', async () => {
    const listener = await startNotifySocketListener();
    try {
      const n = createSystemdNotifier({
        log,
        pid: 9,
        env: { NOTIFY_SOCKET: listener.socketPath, WATCHDOG_USEC: '4000000', WATCHDOG_PID: '9' },
      });
      expect(n.active).toBe(true);
      expect(n.watchdogIntervalMs).toBe(2000);
      await n.ready();
      expect(listener.messages).toEqual([['READY=1']]);
    } finally {
      await listener.close();
    }
  });

  it('logs a malformed watchdog setting and leaves the watchdog off', () => {
    const warnings: object[] = [];
    const n = createSystemdNotifier({
      log: { warn: (fields) => warnings.push(fields), info: () => undefined },
      env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: 'soon' },
    });
    expect(n.watchdogIntervalMs).toBeUndefined();
    expect(warnings).toEqual([{ reason: 'WATCHDOG_USEC=soon is not a whole number of microseconds' }]);
  });
});
