import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotifySocketListener, type NotifySocketListener } from '../../../test/support/notify-socket-listener.js';
import type { NotifyMessage } from './notifier.js';
import type { SendOutcome } from './systemd-notify-command.js';
import { CommandNotifier, systemdNotifyCommand } from './systemd-notify-command.js';

function recordingLog() {
  const lines: { level: string; msg: string; fields: object }[] = [];
  return {
    lines,
    warn: (fields: object, msg: string) => lines.push({ level: 'warn', msg, fields }),
    info: (fields: object, msg: string) => lines.push({ level: 'info', msg, fields }),
  };
}

/** A send the test completes by hand, to hold a message in flight. */
function manualSend() {
  const calls: { message: NotifyMessage; finish: (o: SendOutcome) => void }[] = [];
  const send = (_socket: string, message: NotifyMessage) =>
    new Promise<SendOutcome>((finish) => calls.push({ message, finish }));
  return { calls, send };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CommandNotifier', () => {
  it('sends one message at a time, in order', async () => {
    const { calls, send } = manualSend();
    const n = new CommandNotifier({ socketPath: '/x', watchdogIntervalMs: 5000, send, log: recordingLog() });
    const readyDone = n.ready();
    void n.status('listening');
    await flush();
    expect(calls.map((c) => c.message)).toEqual([['READY=1']]);
    calls[0]?.finish({ ok: true });
    await readyDone;
    await flush();
    expect(calls.map((c) => c.message)).toEqual([['READY=1'], ['STATUS=listening']]);
    expect(n.watchdogIntervalMs).toBe(5000);
  });

  it('folds watchdog pings asked for while one waits into that one', async () => {
    const { calls, send } = manualSend();
    const n = new CommandNotifier({ socketPath: '/x', watchdogIntervalMs: 5000, send, log: recordingLog() });
    const first = n.watchdog(); // in flight
    await flush();
    const second = n.watchdog(); // queued
    const third = n.watchdog(); // folded into the second
    calls[0]?.finish({ ok: true });
    await first;
    await flush();
    calls[1]?.finish({ ok: true });
    await Promise.all([second, third]);
    expect(calls.map((c) => c.message)).toEqual([['WATCHDOG=1'], ['WATCHDOG=1']]);
  });

  it('logs a failure once, with its reason, and says when sending works again', async () => {
    const { calls, send } = manualSend();
    const log = recordingLog();
    const n = new CommandNotifier({ socketPath: '/x', watchdogIntervalMs: undefined, send, log });
    const sent = [n.status('a'), n.status('b'), n.status('c')];
    for (const outcome of [
      { ok: false, reason: 'socket gone' },
      { ok: false, reason: 'socket gone' },
      { ok: true },
    ] as const) {
      await flush();
      calls.at(-1)?.finish(outcome);
    }
    await Promise.all(sent);
    expect(log.lines.map((l) => [l.level, l.fields])).toEqual([
      ['warn', { reason: 'socket gone', message: 'STATUS=a' }],
      ['info', { failedSends: 2 }],
    ]);
  });

  it('counts a send that throws as a failure and goes on with the next message', async () => {
    const log = recordingLog();
    const sent: NotifyMessage[] = [];
    const send = (_socket: string, message: NotifyMessage): Promise<SendOutcome> => {
      sent.push(message);
      if (message[0] === 'READY=1') throw new Error('bad argument');
      return Promise.resolve({ ok: true });
    };
    const n = new CommandNotifier({ socketPath: '/x', watchdogIntervalMs: undefined, send, log });
    await Promise.all([n.ready(), n.stopping()]);
    expect(sent).toEqual([['READY=1'], ['STOPPING=1']]);
    expect(log.lines[0]?.fields).toEqual({ reason: 'sending READY=1 threw: bad argument', message: 'READY=1' });
  });
});

describe('systemdNotifyCommand', () => {
  let listener: NotifySocketListener | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports a socket that is gone, without throwing', async () => {
    listener = await startNotifySocketListener();
    const path = listener.socketPath;
    await listener.close();
    const outcome = await systemdNotifyCommand()(path, ['READY=1']);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toMatch(/systemd-notify READY=1: .*No such file/);
  });

  it('reports a missing command by name', async () => {
    const outcome = await systemdNotifyCommand('/nonexistent/systemd-notify')('/x', ['WATCHDOG=1']);
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^\/nonexistent\/systemd-notify WATCHDOG=1: .*ENOENT/) as unknown,
    });
  });

  it('kills a send that hangs after its timeout', async () => {
    dir = mkdtempSync(join(tmpdir(), 'antiphon-hang-'));
    const hang = join(dir, 'hang');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hang, 0o755);
    const started = Date.now();
    const outcome = await systemdNotifyCommand(hang, 200)('/x', ['READY=1']);
    expect(outcome.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
