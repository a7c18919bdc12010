/**
 * Named, branded time units. A `Ticks` cannot be passed where `Beats` or `Milliseconds`
 * are expected without an explicit conversion, so a 24x or 1000x slip is a type error.
 *
 * MIDI 1.0 grid: 24 clocks (ticks) per quarter-note beat, 6 ticks per 16th step (the unit
 * of Song Position Pointer), 4 steps per beat.
 */
declare const unit: unique symbol;
type Unit<Name extends string> = number & { readonly [unit]: Name };

/** MIDI clocks, 24 per quarter note. May be fractional when read off a timeline. */
export type Ticks = Unit<'ticks'>;
/** 16th-note steps, the unit of Song Position Pointer. */
export type Steps = Unit<'steps'>;
/** Quarter-note beats. */
export type Beats = Unit<'beats'>;
export type Bars = Unit<'bars'>;
export type Seconds = Unit<'seconds'>;
/** Monotonic milliseconds (fractional: microsecond resolution matters here). */
export type Milliseconds = Unit<'ms'>;
/** Quarter notes per minute. */
export type Bpm = Unit<'bpm'>;

export const TICKS_PER_BEAT = 24;
export const TICKS_PER_STEP = 6;
export const STEPS_PER_BEAT = 4;
/** SPP is a 14-bit count of steps. */
export const MAX_SONG_POSITION = 16383;

export const ticks = (n: number): Ticks => n as Ticks;
export const steps = (n: number): Steps => n as Steps;
export const beats = (n: number): Beats => n as Beats;
export const bars = (n: number): Bars => n as Bars;
export const seconds = (n: number): Seconds => n as Seconds;
export const ms = (n: number): Milliseconds => n as Milliseconds;
export const bpm = (n: number): Bpm => n as Bpm;

export const ticksFromBeats = (b: Beats): Ticks => ticks(b * TICKS_PER_BEAT);
export const beatsFromTicks = (t: Ticks): Beats => beats(t / TICKS_PER_BEAT);
export const ticksFromSteps = (s: Steps): Ticks => ticks(s * TICKS_PER_STEP);
export const stepsFromTicks = (t: Ticks): Steps => steps(t / TICKS_PER_STEP);
export const msFromSeconds = (s: Seconds): Milliseconds => ms(s * 1000);
export const secondsFromMs = (m: Milliseconds): Seconds => seconds(m / 1000);

/** Length of one MIDI clock at a tempo. */
export const msPerTick = (tempo: Bpm): Milliseconds => ms(60_000 / (tempo * TICKS_PER_BEAT));
export const bpmFromMsPerTick = (period: Milliseconds): Bpm => bpm(60_000 / (period * TICKS_PER_BEAT));

/** Time signature. `beatUnit` 4 means the bar counts quarter notes, 8 eighths. */
export interface Meter {
  readonly beatsPerBar: number;
  readonly beatUnit: 2 | 4 | 8 | 16;
}

export const FOUR_FOUR: Meter = { beatsPerBar: 4, beatUnit: 4 };

export const ticksPerBar = (meter: Meter): Ticks => ticks((meter.beatsPerBar * TICKS_PER_BEAT * 4) / meter.beatUnit);
export const barsFromTicks = (t: Ticks, meter: Meter): Bars => bars(t / ticksPerBar(meter));
export const ticksFromBars = (b: Bars, meter: Meter): Ticks => ticks(b * ticksPerBar(meter));

/** Tempo range the box accepts; outside it a value is a typo, not a groove. */
export const MIN_BPM = bpm(20);
export const MAX_BPM = bpm(300);

export class TempoOutOfRange extends Error {
  override readonly name = 'TempoOutOfRange';
  constructor(
    readonly tempo: number,
    readonly where: string,
  ) {
    super(`${where}: tempo ${tempo} BPM is outside ${MIN_BPM}..${MAX_BPM}`);
  }
}

/** Returns the tempo as `Bpm` or throws `TempoOutOfRange` naming `where`. */
export function checkedBpm(value: number, where: string): Bpm {
  if (!Number.isFinite(value) || value < MIN_BPM || value > MAX_BPM) throw new TempoOutOfRange(value, where);
  return bpm(value);
}
