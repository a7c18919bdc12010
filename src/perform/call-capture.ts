import type { Ticks } from '../clock/units.js';
import { TICKS_PER_STEP } from '../clock/units.js';

/** One hit from the human, already placed on the song timeline. */
export interface PlacedHit {
  readonly pitch: number;
  readonly velocity: number;
  /** Exact song position it was played at (fractional ticks). */
  readonly tick: Ticks;
  /** The 16th step it quantises to: `floor(steps + 0.5)`, as Magenta rounds. */
  readonly step: number;
  /** Where it really fell relative to that step, in steps (-0.5..0.5): the human's feel. */
  readonly offsetSteps: number;
}

export function placeHit(pitch: number, velocity: number, tick: Ticks): PlacedHit {
  const exact = tick / TICKS_PER_STEP;
  const step = Math.floor(exact + 0.5);
  return { pitch, velocity, tick, step, offsetSteps: exact - step };
}

/** A phrase being captured: it starts at the bar line on or before its first hit. */
export class CallCapture {
  readonly hits: PlacedHit[] = [];
  readonly startBar: number;

  constructor(
    first: PlacedHit,
    readonly stepsPerBar: number,
  ) {
    this.startBar = Math.floor(first.step / stepsPerBar);
    this.hits.push(first);
  }

  add(hit: PlacedHit): void {
    this.hits.push(hit);
  }

  /** Bar index of the last hit. */
  get lastHitBar(): number {
    let last = this.startBar;
    for (const h of this.hits) last = Math.max(last, Math.floor(h.step / this.stepsPerBar));
    return last;
  }

  /** True when no hit quantises into `[fromBar, toBar)`. */
  silentBetween(fromBar: number, toBar: number): boolean {
    const lo = fromBar * this.stepsPerBar;
    const hi = toBar * this.stepsPerBar;
    return !this.hits.some((h) => h.step >= lo && h.step < hi);
  }

  /** Hits inside the first `bars` bars, with steps relative to the call's first bar line. */
  within(bars: number): PlacedHit[] {
    const lo = this.startBar * this.stepsPerBar;
    const hi = lo + bars * this.stepsPerBar;
    return this.hits.filter((h) => h.step >= lo && h.step < hi).map((h) => ({ ...h, step: h.step - lo }));
  }
}

/** Drum events for hits (steps relative to the first step), Python set semantics per class. */
export function eventsOf(
  hits: readonly PlacedHit[],
  totalSteps: number,
  classOf: (pitch: number) => number,
): Uint16Array {
  const events = new Uint16Array(totalSteps);
  for (const h of hits) {
    const cls = classOf(h.pitch);
    if (cls < 0 || h.step < 0 || h.step >= totalSteps) continue;
    events[h.step] = (events[h.step] ?? 0) | (1 << cls);
  }
  return events;
}
