import { ClockFollower, type FollowerOptions } from '../src/clock/follower.js';
import type { SyntheticTick } from '../src/clock/synthetic-clock.js';
import { ticks } from '../src/clock/units.js';

export interface FollowerResult {
  /** Beats from the first tick until the follower says locked for good. */
  readonly declaredLockBeats: number;
  /** Beats until the tempo error stays within the tolerance to the end. */
  readonly lockBeats: number;
  /** Tempo error after lock: mean |error| and max |error|, in percent. */
  readonly meanErrorPct: number;
  readonly maxErrorPct: number;
  /** Predicted next-tick time versus the true time, after lock (ms). */
  readonly maxPhaseErrorMs: number;
  /** |tempo error| % at every tick. */
  readonly errorSeries: number[];
}

interface Estimate {
  readonly tempo: number | undefined;
  readonly nextTickMs: number | undefined;
  readonly locked: boolean;
}

function score(
  stream: readonly SyntheticTick[],
  tolerancePct: number,
  step: (tick: SyntheticTick) => Estimate,
): FollowerResult {
  const errors: number[] = [];
  const phase: number[] = [];
  const locked: boolean[] = [];
  stream.forEach((tick, k) => {
    const estimate = step(tick);
    locked.push(estimate.locked);
    errors.push(estimate.tempo === undefined ? Infinity : (Math.abs(estimate.tempo - tick.tempo) / tick.tempo) * 100);
    const next = stream[k + 1];
    phase.push(
      next && tick.arrivedMs !== undefined && estimate.nextTickMs !== undefined
        ? Math.abs(estimate.nextTickMs - next.trueMs)
        : 0,
    );
  });
  const lastBad = errors.reduce((acc, e, i) => (e > tolerancePct ? i : acc), -1);
  const lastUnlocked = locked.reduce((acc, l, i) => (!l ? i : acc), -1);
  const steady = errors.slice(lastBad + 1);
  const after = phase.slice(Math.max(lastBad, lastUnlocked) + 1);
  return {
    declaredLockBeats: lastUnlocked + 1 >= stream.length ? Infinity : (lastUnlocked + 1) / 24,
    lockBeats: lastBad + 1 >= stream.length ? Infinity : (lastBad + 1) / 24,
    meanErrorPct: steady.length ? steady.reduce((a, b) => a + b, 0) / steady.length : NaN,
    maxErrorPct: steady.length ? Math.max(...steady) : NaN,
    maxPhaseErrorMs: after.length ? Math.max(...after) : NaN,
    errorSeries: errors,
  };
}

/** Scores our ClockFollower against the ground truth. */
export function evaluateFollower(
  stream: readonly SyntheticTick[],
  tolerancePct: number,
  options: FollowerOptions = {},
): FollowerResult {
  const follower = new ClockFollower(options);
  return score(stream, tolerancePct, (tick) => {
    if (tick.arrivedMs !== undefined) follower.clock(tick.arrivedMs);
    const status = follower.status(tick.arrivedMs ?? tick.trueMs);
    const timeline = status.timeline;
    return {
      tempo: status.tempo,
      nextTickMs: timeline?.timeOfTick(ticks(timeline.anchorTick + 1)),
      locked: status.state === 'locked',
    };
  });
}

/** Reference: the common follower, tempo from the mean of the last `n` gaps, phase = last tick. */
export function evaluateIntervalAverage(
  stream: readonly SyntheticTick[],
  tolerancePct: number,
  n: number,
): FollowerResult {
  const gaps: number[] = [];
  let last: number | undefined;
  return score(stream, tolerancePct, (tick) => {
    if (tick.arrivedMs !== undefined) {
      if (last !== undefined) gaps.push(tick.arrivedMs - last);
      if (gaps.length > n) gaps.shift();
      last = tick.arrivedMs;
    }
    const mean = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : undefined;
    return {
      tempo: mean ? 60_000 / (mean * 24) : undefined,
      nextTickMs: mean && last !== undefined ? last + mean : undefined,
      locked: gaps.length >= n,
    };
  });
}
