import { TickTimeline } from '../clock/tick-timeline.js';
import type { Bpm } from '../clock/units.js';
import { TICKS_PER_BEAT, ms, msPerTick, ticks } from '../clock/units.js';
import type { LinkSample } from './link-session.js';

export interface LinkFollowerOptions {
  /** Samples averaged for the phase (at 5 ms a sample, 64 is a third of a second). */
  readonly window?: number;
  /** A sample this far (ms) off the fitted line, twice running, means Link moved its timeline. */
  readonly jumpMs?: number;
  /** Readings that took longer than this (µs) were interrupted and are not fitted. */
  readonly maxWidthUs?: number;
}

const DEFAULTS = { window: 64, jumpMs: 0.5, maxWidthUs: 250 };

/** Why the timeline changed: a new tempo, or Link moved its beat grid (a session joined). */
export type LinkTimelineChange = 'tempo' | 'jump';

/**
 * Maps Link's beat timeline onto the box's monotonic clock, as a TickTimeline in Link ticks
 * (tick = Link beat x 24). Pure: feed it samples, read `timeline`.
 *
 * Each sample says "beat b at time t", but t is only known to within the reading's width, so
 * one sample alone carries tens of microseconds of noise. Link's timeline runs at exactly its
 * tempo on the host clock (its ghost transform has slope 1: peers' clocks are only offset),
 * so the tick period is known and only the phase is fitted: the mean, over the recent
 * window, of each sample's time minus its tick times the period. A tempo change or a jump
 * of the grid (a session merge, Link re-measuring a peer's clock offset) starts a new fit.
 */
export class LinkFollower {
  private readonly o: typeof DEFAULTS;
  private readonly offsets: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  private tempo: Bpm | undefined;
  private periodMs = 0;
  private outliers = 0;
  private last: LinkSample | undefined;
  private readonly listeners: ((why: LinkTimelineChange) => void)[] = [];

  constructor(options: LinkFollowerOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.offsets = new Float64Array(this.o.window);
  }

  /** Called when the fit starts over (not for the fit's own sub-microsecond refinements). */
  onChange(listener: (why: LinkTimelineChange) => void): void {
    this.listeners.push(listener);
  }

  get newest(): LinkSample | undefined {
    return this.last;
  }

  add(sample: LinkSample): void {
    this.last = sample;
    if (sample.tempo !== this.tempo) {
      this.tempo = sample.tempo;
      this.periodMs = msPerTick(sample.tempo);
      this.restart(sample);
      this.tell('tempo');
      return;
    }
    if (sample.widthUs > this.o.maxWidthUs) return;
    const offset = this.offsetOf(sample);
    if (this.count > 0 && Math.abs(offset - this.sum / this.count) > this.o.jumpMs) {
      // One stray reading is noise; two in a row agreeing with each other is a new grid.
      if (++this.outliers < 2) return;
      this.restart(sample);
      this.tell('jump');
      return;
    }
    this.outliers = 0;
    this.push(offset);
  }

  /** Link's tick grid on the monotonic clock, once a sample has come in. */
  get timeline(): TickTimeline | undefined {
    if (this.count === 0 || this.tempo === undefined) return undefined;
    return TickTimeline.fromPeriod(ticks(0), ms(this.sum / this.count), ms(this.periodMs));
  }

  get linkTempo(): Bpm | undefined {
    return this.tempo;
  }

  /** Samples in the current fit. */
  get size(): number {
    return this.count;
  }

  /** Time of Link tick 0 if this sample were exact. */
  private offsetOf(sample: LinkSample): number {
    return sample.atMs - sample.beat * TICKS_PER_BEAT * this.periodMs;
  }

  private restart(sample: LinkSample): void {
    this.count = 0;
    this.head = 0;
    this.sum = 0;
    this.outliers = 0;
    this.push(this.offsetOf(sample));
  }

  private push(offset: number): void {
    if (this.count === this.o.window) this.sum -= this.offsets[this.head] ?? 0;
    else this.count++;
    this.offsets[this.head] = offset;
    this.sum += offset;
    this.head = (this.head + 1) % this.o.window;
    // Re-add from scratch once a lap, so a running sum of ~1e8 ms values cannot drift.
    if (this.head === 0 && this.count === this.o.window) this.sum = this.offsets.reduce((a, b) => a + b, 0);
  }

  private tell(why: LinkTimelineChange): void {
    for (const listen of this.listeners) listen(why);
  }
}
