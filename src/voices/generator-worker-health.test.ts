import { describe, expect, it } from 'vitest';
import { GeneratorWorkerWatch, type WorkerActivity, type WorkerWatchStep } from './generator-worker-health.js';

const limits = { pingAnswerMs: 2_000, busyAnswerMs: 30_000, maxRestarts: 2, restartWindowMs: 600_000 };
const idle = (lastHeardMs: number): WorkerActivity => ({ owed: 0, owedSinceMs: undefined, lastHeardMs });
const busy = (owedSinceMs: number, lastHeardMs = 0): WorkerActivity => ({ owed: 1, owedSinceMs, lastHeardMs });

/** Looks every second from `fromMs` to `toMs` (virtual time), as the supervisor's timer does; returns each step by time. */
function looks(watch: GeneratorWorkerWatch, fromMs: number, toMs: number, work: WorkerActivity) {
  const steps = new Map<number, WorkerWatchStep>();
  for (let t = fromMs; t <= toMs; t += 1_000) steps.set(t, watch.check(t, work));
  return steps;
}
const restartsIn = (steps: Map<number, WorkerWatchStep>): [number, string][] =>
  [...steps].flatMap(([t, s]) => (s.restart ? [[t, s.restart.why] as [number, string]] : []));

describe('GeneratorWorkerWatch', () => {
  it('pings an idle worker once at a time and is content while it answers', () => {
    const watch = new GeneratorWorkerWatch(limits);
    expect(watch.check(0, idle(0))).toEqual({ ping: true });
    expect(watch.check(1_000, idle(0))).toEqual({ ping: false }); // still outstanding, within 2 s
    watch.pong();
    expect(watch.check(2_000, idle(1_001))).toEqual({ ping: true });
    watch.pong();
    for (let t = 3_000; t <= 600_000; t += 1_000) {
      const step = watch.check(t, idle(t - 1_000));
      expect(step.restart).toBeUndefined();
      if (step.ping) watch.pong(); // answered within the second
    }
    expect(watch.failure).toBeUndefined();
  });

  it('restarts an idle worker that leaves a ping unanswered past the limit, saying for how long', () => {
    const watch = new GeneratorWorkerWatch(limits);
    const steps = looks(watch, 0, 4_000, idle(0));
    expect(steps.get(0)).toEqual({ ping: true });
    expect(steps.get(2_000)).toEqual({ ping: false }); // exactly at the limit: still fine
    expect(restartsIn(steps)).toEqual([[3_000, 'model worker not answering for 3 s; restarted it']]);
    expect(watch.failure).toBeUndefined();
  });

  it('lets a busy worker go silent up to the busy limit, though its ping waits behind the request', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0)); // ping out at 0; a generation goes out at 500 ms and runs on
    const steps = looks(watch, 1_000, 32_000, busy(500));
    expect(restartsIn(steps)).toEqual([[31_000, 'model worker not answering for 31 s; restarted it']]);
  });

  it('counts silence from the last reply: a queue of quick answers is progress, not a hang', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    // The oldest owed request went out at 1 s, but the worker answered others until 40 s.
    const steps = looks(watch, 1_000, 71_000, busy(1_000, 40_000));
    expect(restartsIn(steps)).toEqual([[71_000, 'model worker not answering for 31 s; restarted it']]);
  });

  it('escalates when a restarted worker hangs again before it ever answered', () => {
    const watch = new GeneratorWorkerWatch(limits);
    expect(restartsIn(looks(watch, 0, 3_000, idle(0)))).toHaveLength(1);
    // The new worker starts at 3 s and owes its model loads; it never answers.
    const steps = looks(watch, 4_000, 40_000, busy(3_000, 3_000));
    expect(steps.get(4_000)).toEqual({ ping: true });
    expect(restartsIn(steps)).toEqual([]);
    expect(watch.failure).toBe('model worker not answering for 31 s (again, straight after its restart)');
    // Escalation sticks: no more pings or restarts, whatever the worker does now.
    expect(watch.check(41_000, idle(40_500))).toEqual({ ping: false });
  });

  it('restarts a worker that answered since its restart, until the window has no restarts left', () => {
    const watch = new GeneratorWorkerWatch(limits);
    const hangAt = (t: number): [number, string][] => {
      expect(watch.check(t, idle(t))).toEqual({ ping: true });
      watch.pong(); // healthy (again, after a restart)
      return restartsIn(looks(watch, t + 1_000, t + 4_000, idle(t)));
    };
    expect(hangAt(0)).toEqual([[4_000, expect.any(String)]]);
    expect(hangAt(5_000)).toEqual([[9_000, expect.any(String)]]);
    expect(hangAt(10_000)).toEqual([]); // a third hang within 10 min
    expect(watch.failure).toBe('model worker not answering for 3 s (2 restarts in 10 min)');
  });

  it('forgets restarts older than the window', () => {
    const watch = new GeneratorWorkerWatch({ ...limits, maxRestarts: 1 });
    expect(restartsIn(looks(watch, 0, 3_000, idle(0)))).toHaveLength(1);
    watch.check(4_000, idle(3_000));
    watch.pong();
    looks(watch, 5_000, 700_000, idle(699_000)); // answers each ping...
    watch.pong();
    expect(restartsIn(looks(watch, 701_000, 704_000, idle(700_000)))).toHaveLength(1); // ...then hangs
    expect(watch.failure).toBeUndefined();
  });

  it('judges nothing on a look that comes late (the main thread was stalled, answers may wait unread)', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0)); // ping out
    expect(watch.check(5_000, idle(0))).toEqual({ ping: false }); // 5 s late: no restart yet
    expect(watch.check(6_000, idle(0)).restart?.why).toBe('model worker not answering for 6 s; restarted it');
  });

  it('pings again after a lost ping instead of waiting on it', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.check(0, idle(0));
    watch.pingLost(); // the worker died; its successor started at 500 ms
    expect(watch.check(1_000, idle(500))).toEqual({ ping: true });
    expect(watch.failure).toBeUndefined();
  });

  it('escalates when the hung thread cannot be stopped', () => {
    const watch = new GeneratorWorkerWatch(limits);
    watch.stopFailed('its thread did not end within 5 s of being terminated');
    expect(watch.failure).toBe('model worker hung and its thread did not end within 5 s of being terminated');
    expect(watch.check(1_000, idle(0))).toEqual({ ping: false });
  });
});
