import { describe, expect, it } from 'vitest';
import { GeneratorWorkerWatch, type WorkerActivity } from './generator-worker-health.js';

const limits = { pingAnswerMs: 2_000, busyAnswerMs: 30_000, maxRestarts: 2, restartWindowMs: 600_000 };
const idle = (lastHeardMs: number): WorkerActivity => ({ owed: 0, owedSinceMs: undefined, lastHeardMs });
const busy = (owedSinceMs: number, lastHeardMs = 0): WorkerActivity => ({ owed: 1, owedSinceMs, lastHeardMs });

describe('GeneratorWorkerWatch', () => {
  it('pings an idle worker once at a time and is content while it answers', () => {
    const watch = new GeneratorWorkerWatch(limits);
    expect(watch.check(0, idle(0))).toEqual({ ping: true });
    expect(watch.check(1_000, idle(0))).toEqual({ ping: false }); // still outstanding, within 2 s
    watch.pong();
    expect(watch.check(2_000, idle(1_001))).toEqual({ ping: true });
    watch.pong();
    expect(watch.failure).toBeUndefined();
  });

  it('restarts an idle worker that leaves a ping unanswered past the limit, saying for how long', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    expect(watch.check(2_000, idle(0))).toEqual({ ping: false }); // exactly at the limit: still fine
    expect(watch.check(3_000, idle(0))).toEqual({
      ping: false,
      restart: { why: 'model worker not answering for 3 s; restarted it' },
    });
    expect(watch.failure).toBeUndefined();
  });

  it('lets a busy worker go silent up to the busy limit, though its ping waits behind the request', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0)); // ping out at 0
    // A generation sent at 500 ms, still running: the ping waits behind it.
    for (const t of [5_000, 20_000, 30_500]) expect(watch.check(t, busy(500)).restart).toBeUndefined();
    const step = watch.check(31_000, busy(500));
    expect(step.restart?.why).toBe('model worker not answering for 31 s; restarted it');
  });

  it('counts silence from the last reply: a queue of quick answers is progress, not a hang', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    // The oldest owed request went out at 1 s, but the worker answered others until 40 s.
    expect(watch.check(45_000, busy(1_000, 40_000)).restart).toBeUndefined();
    expect(watch.check(71_000, busy(1_000, 40_000)).restart?.why).toMatch(/not answering for 31 s/);
  });

  it('escalates when a restarted worker hangs again before it ever answered', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    expect(watch.check(3_000, idle(0)).restart).toBeDefined();
    // The new worker starts at 3 s and owes its model loads; it never answers.
    expect(watch.check(4_000, busy(3_000, 3_000))).toEqual({ ping: true });
    expect(watch.check(34_000, busy(3_000, 3_000)).restart).toBeUndefined();
    expect(watch.failure).toBe('model worker not answering for 31 s (again, straight after its restart)');
    // Escalation sticks: no more pings or restarts, whatever the worker does now.
    expect(watch.check(40_000, idle(39_000))).toEqual({ ping: false });
  });

  it('restarts a worker that answered since its restart, until the window has no restarts left', () => {
    const watch = new GeneratorWorkerWatch(limits);
    let t = 0;
    const hangOnce = (): ReturnType<GeneratorWorkerWatch['check']> => {
      expect(watch.check(t, idle(t))).toEqual({ ping: true });
      watch.pong(); // healthy again after its restart
      expect(watch.check(t + 1_000, idle(t))).toEqual({ ping: true });
      const step = watch.check(t + 4_000, idle(t));
      t += 10_000;
      return step;
    };
    expect(hangOnce().restart).toBeDefined();
    expect(hangOnce().restart).toBeDefined();
    expect(hangOnce().restart).toBeUndefined(); // a third hang within 10 min
    expect(watch.failure).toBe('model worker not answering for 3 s (2 restarts in 10 min)');
  });

  it('forgets restarts older than the window', () => {
    const watch = new GeneratorWorkerWatch({ ...limits, maxRestarts: 1 });
    watch.check(0, idle(0));
    expect(watch.check(3_000, idle(0)).restart).toBeDefined();
    watch.check(4_000, idle(3_000));
    watch.pong();
    watch.check(700_000, idle(699_000));
    expect(watch.check(703_000, idle(699_000)).restart).toBeDefined();
  });

  it('pings again after a lost ping instead of waiting on it', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    watch.pingLost(); // the worker died; its successor started at 500 ms
    expect(watch.check(3_000, idle(500))).toEqual({ ping: true });
    expect(watch.failure).toBeUndefined();
  });

  it('escalates when the hung thread cannot be stopped', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.stopFailed('its thread did not end within 5 s of being terminated');
    expect(watch.failure).toBe('model worker hung and its thread did not end within 5 s of being terminated');
    expect(watch.check(1_000, idle(0))).toEqual({ ping: false });
  });
});
