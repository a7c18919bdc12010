import type { Bpm, Milliseconds, Ticks } from './units.js';
import { bpmFromMsPerTick, ms, msPerTick, ticks } from './units.js';

/**
 * Maps ticks to absolute monotonic time and back: tick n sits at
 * `anchorTime + (n - anchorTick) * period`. Every time is computed from the anchor by one
 * multiplication, never by adding periods, so rounding error cannot accumulate over an hour.
 * A tempo change re-anchors at a tick that already has a time, so the phase never jumps.
 * Immutable: `withTempo` returns a new timeline.
 */
export class TickTimeline {
  private constructor(
    readonly anchorTick: Ticks,
    readonly anchorTimeMs: Milliseconds,
    readonly periodMs: Milliseconds,
  ) {}

  static start(anchorTick: Ticks, anchorTimeMs: Milliseconds, tempo: Bpm): TickTimeline {
    return new TickTimeline(anchorTick, anchorTimeMs, msPerTick(tempo));
  }

  static fromPeriod(anchorTick: Ticks, anchorTimeMs: Milliseconds, periodMs: Milliseconds): TickTimeline {
    return new TickTimeline(anchorTick, anchorTimeMs, periodMs);
  }

  get tempo(): Bpm {
    return bpmFromMsPerTick(this.periodMs);
  }

  timeOfTick(tick: Ticks): Milliseconds {
    return ms(this.anchorTimeMs + (tick - this.anchorTick) * this.periodMs);
  }

  /** Fractional tick position at a time (may be before the anchor). */
  tickAt(timeMs: Milliseconds): Ticks {
    return ticks(this.anchorTick + (timeMs - this.anchorTimeMs) / this.periodMs);
  }

  /** First whole tick at or after `timeMs`. */
  nextTickAtOrAfter(timeMs: Milliseconds): Ticks {
    return ticks(Math.ceil(this.tickAt(timeMs) - 1e-9));
  }

  /**
   * The same timeline with a new tempo from `pivot` on: `pivot` keeps the time it had, later
   * ticks are spaced at the new period. Pick the last tick already sent (or committed) as
   * pivot and the change takes effect on the very next tick with no jump in phase.
   */
  withTempo(tempo: Bpm, pivot: Ticks): TickTimeline {
    return new TickTimeline(pivot, this.timeOfTick(pivot), msPerTick(tempo));
  }

  /** Same spacing, shifted so `tick` falls at `timeMs` (used by start/continue/SPP). */
  withAnchor(tick: Ticks, timeMs: Milliseconds): TickTimeline {
    return new TickTimeline(tick, timeMs, this.periodMs);
  }
}
