import type { Milliseconds } from './units.js';
import { ms } from './units.js';

/**
 * A monotonic clock. Real time in the product comes only from `hrtimeClock`; tests inject a
 * `VirtualClock` and move it by hand, so every timing rule is checked without waiting.
 */
export interface MonotonicClock {
  nowMs(): Milliseconds;
}

/**
 * performance.now() counts from this thread's start; process.hrtime from the system's
 * monotonic clock, the same in every thread and process. Node derives both from one source,
 * so a constant offset (taken once per thread) converts between them.
 */
const performanceOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/**
 * The system monotonic clock (CLOCK_MONOTONIC, as process.hrtime), read through
 * performance.now(): one double, no allocation. process.hrtime.bigint() allocates a BigInt
 * per call, and a spin-wait calling it thousands of times a tick fed the garbage collector,
 * whose pauses then delayed the clock (bench:clock showed it).
 */
export const hrtimeClock: MonotonicClock = {
  nowMs: () => ms(performance.now() + performanceOffsetMs),
};

/** A clock that only moves when told to. */
export class VirtualClock implements MonotonicClock {
  private now: Milliseconds;
  constructor(startMs = 0) {
    this.now = ms(startMs);
  }
  nowMs(): Milliseconds {
    return this.now;
  }
  /** Moves time forward; refuses to go back, as a monotonic clock must. */
  set(timeMs: number): void {
    if (timeMs < this.now) throw new RangeError(`VirtualClock cannot go back from ${this.now} to ${timeMs}`);
    this.now = ms(timeMs);
  }
}

/** For timestamps taken with performance.now() (the ALSA backend) before they meet the clock. */
export const monotonicFromPerformanceNow = (performanceMs: number): Milliseconds => ms(performanceMs + performanceOffsetMs);
