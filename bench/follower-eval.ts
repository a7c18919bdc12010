import { ClockFollower, type FollowerOptions } from '../src/clock/follower.js';
import { ticks } from '../src/clock/units.js';
import type { SyntheticTick } from '../src/clock/synthetic-clock.js';

export interface FollowerResult {
  /** Beats from the first tick until the follower says locked for good. */
  readonly declaredLockBeats: number;
  /** Beats until the tempo error stays within `lockTolerancePct` to the end. */
  readonly lockBeats: number;
  /** Tempo error after lock: mean |error| and max |error|, in percent. */
  readonly meanErrorPct: number;
  readonly maxErrorPct: number;
  /** Predicted next-tick time versus the true time, after lock (ms). */
  readonly maxPhaseErrorMs: number;
}

/** Feeds a stream to a follower and scores it against the ground truth. */
export function evaluateFollower(stream: readonly SyntheticTick[], lockTolerancePct: number, options: FollowerOptions = {}): FollowerResult {
  const follower = new ClockFollower(options);
  const errors: number[] = [];
  const phase: number[] = [];
  const locked: boolean[] = [];
  for (let k = 0; k < stream.length; k++) {
    const tick = stream[k];
    if (!tick) continue;
    if (tick.arrivedMs !== undefined) follower.clock(tick.arrivedMs);
    const status = follower.status(tick.arrivedMs ?? tick.trueMs);
    locked.push(status.state === 'locked');
    errors.push(status.tempo === undefined ? Infinity : (Math.abs(status.tempo - tick.tempo) / tick.tempo) * 100);
    const next = stream[k + 1];
    const timeline = status.timeline;
    const predicted = timeline?.timeOfTick(ticks(timeline.anchorTick + 1));
    phase.push(next && tick.arrivedMs !== undefined && predicted !== undefined ? Math.abs(predicted - next.trueMs) : 0);
  }
  const lastBad = errors.reduce((acc, e, i) => (e > lockTolerancePct ? i : acc), -1);
  const lastUnlocked = locked.reduce((acc, l, i) => (!l ? i : acc), -1);
  const steady = errors.slice(lastBad + 1);
  const phaseAfter = phase.slice(Math.max(lastBad, lastUnlocked) + 1);
  return {
    declaredLockBeats: (lastUnlocked + 1) / 24,
    lockBeats: (lastBad + 1) / 24,
    meanErrorPct: steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length),
    maxErrorPct: Math.max(0, ...steady),
    maxPhaseErrorMs: Math.max(0, ...phaseAfter),
  };
}
