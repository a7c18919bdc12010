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
 * process.hrtime is one monotonic clock for the whole process, so times taken in a worker
 * thread compare with the main thread's (performance.now() has a per-thread origin).
 */
export const hrtimeClock: MonotonicClock = {
  nowMs: () => ms(Number(process.hrtime.bigint()) / 1e6),
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
