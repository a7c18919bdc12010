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
 *
 * Taken as the tightest of several hrtime / performance.now() / hrtime brackets: a single
 * pair read in a fresh thread was 0.5-0.9 ms off here (the first performance.now() loads its
 * module between the two reads), and 70 ms off under emulation, which made every timed
 * write that late while the thread believed it was on time.
 */
export function measurePerformanceOffsetMs(samples = 50): number {
  let narrowest = Infinity;
  let offset = 0;
  for (let i = 0; i < samples; i++) {
    const before = process.hrtime.bigint();
    const p = performance.now();
    const after = process.hrtime.bigint();
    const width = Number(after - before);
    if (width < narrowest) {
      narrowest = width;
      offset = (Number(before) + Number(after)) / 2e6 - p;
    }
  }
  return offset;
}

const performanceOffsetMs = measurePerformanceOffsetMs();

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
export const monotonicFromPerformanceNow = (performanceMs: number): Milliseconds =>
  ms(performanceMs + performanceOffsetMs);
