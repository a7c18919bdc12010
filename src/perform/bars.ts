import { TICKS_PER_STEP, ticks, type Milliseconds, type Ticks } from '../clock/units.js';
import type { TimelineView } from './engine-types.js';

/** 16th steps in one quarter-note beat: the grid is 16ths whatever the meter. */
export const STEPS_PER_BEAT = 4;
/** Song ticks (MIDI clocks) in one beat. */
export const TICKS_PER_BEAT = STEPS_PER_BEAT * TICKS_PER_STEP;

/** Song ticks in one bar of `stepsPerBar` 16ths. */
export const ticksPerBar = (stepsPerBar: number): number => stepsPerBar * TICKS_PER_STEP;

/** Beats in one bar of `stepsPerBar` 16ths. */
export const beatsPerBar = (stepsPerBar: number): number => stepsPerBar / STEPS_PER_BEAT;

/** The song tick of bar line `bar` (bar 0 starts at tick 0). */
export const barTick = (bar: number, stepsPerBar: number): Ticks => ticks(bar * ticksPerBar(stepsPerBar));

/** The bar `tick` falls in; float noise a hair below a bar line counts as on it. */
export const barAt = (tick: number, stepsPerBar: number): number => Math.floor(tick / ticksPerBar(stepsPerBar) + 1e-9);

/** The beat (counted from the song's start) `tick` falls in, with the same tolerance. */
export const beatAt = (tick: number): number => Math.floor(tick / TICKS_PER_BEAT + 1e-9);

/** When bar line `bar` falls on the timeline. */
export const barTime = (bar: number, view: TimelineView): Milliseconds =>
  view.timeOfTick(barTick(bar, view.stepsPerBar));

/** The index of the first bar line strictly after `timeMs`. */
export const nextBarAfter = (timeMs: number, view: TimelineView): number =>
  barAt(view.tickAt(timeMs as Milliseconds), view.stepsPerBar) + 1;

/** One bar as wall time at the timeline's tempo now, for logs and estimates. */
export const barMs = (view: TimelineView): number =>
  view.timeOfTick(barTick(1, view.stepsPerBar)) - view.timeOfTick(ticks(0));
