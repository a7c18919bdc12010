import { describe, expect, it } from 'vitest';
import { virtualScheduler } from '../clock/testing.js';
import { schedulerTimers } from '../clock/timers.js';
import { RecordingNotifier } from './notify/recording-notifier.js';
import { eventLoopDelayMeter, startWatchdog, type PingedThread } from './watchdog-driver.js';

const quietLog = { warn: () => undefined, info: () => undefined };

/** A thread that answers pings while `alive` is true, after `delayMs` of virtual time. */
function fakeThread(name: string, timers: ReturnType<typeof schedulerTimers>, delayMs = 1) {
  const thread = { alive: true, pings: 0 };
  const check: PingedThread = {
    name,
    maxAnswerMs: 2000,
    ping: (answered) => {
      thread.pings++;
      if (thread.alive) timers.after(delayMs, answered);
    },
  };
  return { thread, check };
}

describe('startWatchdog', () => {
  it('pets every half WatchdogSec while healthy and stops once a thread hangs', () => {
    const { wakeup, scheduler, clock } = virtualScheduler();
    const timers = schedulerTimers(scheduler);
    const notifier = new RecordingNotifier(5000);
    const clockThread = fakeThread('clock-thread', timers);
    const warnings: object[] = [];
    const handle = startWatchdog({
      notifier,
      timers,
      clock,
      takeLoopDelayMs: () => 20,
      maxLoopDelayMs: 1000,
      threads: [clockThread.check],
      log: { warn: (fields) => warnings.push(fields), info: () => undefined },
    });
    wakeup.advanceTo(20_000);
    expect(notifier.count('WATCHDOG=1')).toBe(5); // at 0, 5, 10, 15, 20 s
    clockThread.thread.alive = false;
    wakeup.advanceTo(40_000);
    // Pinged at 25 s without answer; failing from 30 s on, so only the pet at 25 s went out.
    expect(notifier.count('WATCHDOG=1')).toBe(6);
    expect(warnings).toEqual([{ check: 'clock-thread', detail: 'no answer to a ping for 5000 ms (limit 2000 ms)' }]);
    expect(clockThread.thread.pings).toBe(6);
    handle.cancel();
  });

  it('does not pet while the event loop is delayed past the limit', () => {
    const { wakeup, scheduler, clock } = virtualScheduler();
    const timers = schedulerTimers(scheduler);
    const notifier = new RecordingNotifier(1000);
    const delays = [10, 10, 3000, 10];
    startWatchdog({
      notifier,
      timers,
      clock,
      takeLoopDelayMs: () => delays.shift() ?? 10,
      maxLoopDelayMs: 1000,
      threads: [],
      log: quietLog,
    });
    wakeup.advanceTo(3000);
    expect(notifier.count('WATCHDOG=1')).toBe(3);
  });

  it('stops petting while a probe reports a failure, and tells who listens why (and when it passes again)', () => {
    const { wakeup, scheduler, clock } = virtualScheduler();
    const notifier = new RecordingNotifier(1000);
    let modelWorker: string | undefined;
    const changes: string[][] = [];
    startWatchdog({
      notifier,
      timers: schedulerTimers(scheduler),
      clock,
      takeLoopDelayMs: () => 0,
      maxLoopDelayMs: 1000,
      threads: [],
      probes: [{ name: 'model-worker', failure: () => modelWorker }],
      log: quietLog,
      onFailuresChanged: (failures) => changes.push(failures.map((f) => `${f.check}: ${f.detail}`)),
    });
    wakeup.advanceTo(2000);
    expect(notifier.count('WATCHDOG=1')).toBe(3); // 0, 1, 2 s
    modelWorker = 'model worker not answering for 31 s (again, straight after its restart)';
    wakeup.advanceTo(6000);
    expect(notifier.count('WATCHDOG=1')).toBe(3);
    expect(changes).toEqual([
      ['model-worker: model worker not answering for 31 s (again, straight after its restart)'],
    ]);
    modelWorker = undefined;
    wakeup.advanceTo(7000);
    expect(notifier.count('WATCHDOG=1')).toBe(4);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toEqual([]);
  });

  it('does nothing when systemd set no watchdog', () => {
    const { wakeup, scheduler, clock } = virtualScheduler();
    const notifier = new RecordingNotifier(undefined);
    startWatchdog({
      notifier,
      timers: schedulerTimers(scheduler),
      clock,
      takeLoopDelayMs: () => 0,
      maxLoopDelayMs: 1,
      threads: [],
      log: quietLog,
    });
    wakeup.advanceTo(60_000);
    expect(notifier.messages).toEqual([]);
  });

  it('stops petting when cancelled', () => {
    const { wakeup, scheduler, clock } = virtualScheduler();
    const notifier = new RecordingNotifier(1000);
    const handle = startWatchdog({
      notifier,
      timers: schedulerTimers(scheduler),
      clock,
      takeLoopDelayMs: () => 0,
      maxLoopDelayMs: 1,
      threads: [],
      log: quietLog,
    });
    wakeup.advanceTo(2000);
    handle.cancel();
    wakeup.advanceTo(10_000);
    expect(notifier.count('WATCHDOG=1')).toBe(3);
  });
});

describe('eventLoopDelayMeter', () => {
  it('sees a blocked event loop, and starts afresh after each read', async () => {
    const meter = eventLoopDelayMeter(10);
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const blockUntil = performance.now() + 150;
      while (performance.now() < blockUntil) {
        /* block the loop */
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(meter.takeMaxMs()).toBeGreaterThanOrEqual(140);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(meter.takeMaxMs()).toBeLessThan(140);
    } finally {
      meter.dispose();
    }
  });
});
