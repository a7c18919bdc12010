import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SystemdNotifier } from '../../src/system/notify/notifier.js';

/** A notifier and what the service manager received from it. */
export interface NotifierHarness {
  readonly notifier: SystemdNotifier;
  /** Every datagram received so far, as its assignments. */
  received(): readonly (readonly string[])[];
  dispose(): Promise<void>;
}

/**
 * What the box may rely on from any notifier: each call resolves only once its message is
 * with the manager, messages arrive whole and in the order sent, and text is one field.
 */
export function systemdNotifierContract(name: string, makeHarness: () => Promise<NotifierHarness>): void {
  describe(`SystemdNotifier contract: ${name}`, () => {
    let h: NotifierHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('delivers READY, STATUS and STOPPING in the order they were sent', async () => {
      const sent = [
        h.notifier.status('loading models'),
        h.notifier.ready(),
        h.notifier.status('listening'),
        h.notifier.stopping(),
      ];
      await Promise.all(sent);
      expect(h.received()).toEqual([['STATUS=loading models'], ['READY=1'], ['STATUS=listening'], ['STOPPING=1']]);
    });

    it('has the message with the manager by the time the call resolves', async () => {
      await h.notifier.ready();
      expect(h.received()).toEqual([['READY=1']]);
    });

    it('keeps a status with line breaks and control characters in one STATUS field', async () => {
      await h.notifier.status('error:\nmodel A\r\nmissing\u0000\tnow');
      expect(h.received()).toEqual([['STATUS=error: model A missing now']]);
    });

    it('sends WATCHDOG=1 and EXTEND_TIMEOUT_USEC in microseconds', async () => {
      await h.notifier.watchdog();
      await h.notifier.extendTimeout(2500);
      expect(h.received()).toEqual([['WATCHDOG=1'], ['EXTEND_TIMEOUT_USEC=2500000']]);
    });
  });
}
