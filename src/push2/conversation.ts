import { TICKS_PER_STEP } from '../clock/units.js';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { Exchange } from '../perform/engine-types.js';

const CLASSIC = drumPitchMap('classic');

/** The pad rows: kick at the bottom, then snare, hats, toms; crash and ride share the top row. */
export const GRID_ROWS = 8;
export const ROW_NAMES = ['cym', 'hi tom', 'mid tom', 'low tom', 'open hh', 'hh', 'snare', 'kick'] as const;

/** Drum class (0..8, classic map) of a pitch, or -1. */
export const classOfPitch = (pitch: number): number => CLASSIC.classOfPitch[pitch] ?? -1;

/** The pad row (0 = top) a drum class is shown on, or undefined for no class. */
export function rowOfClass(drumClass: number): number | undefined {
  if (drumClass < 0) return undefined;
  return GRID_ROWS - 1 - Math.min(drumClass, GRID_ROWS - 1);
}

/** One hit on the song's 16th grid, by `player` (0 = the human, 1.. the voices in order). */
export interface GridHit {
  readonly step: number;
  readonly pitch: number;
  readonly velocity: number;
  readonly player: number;
}

/** A stretch of the song one player fills: the call, or one voice's turn. */
export interface ConversationSection {
  readonly title: string;
  readonly player: number;
  readonly startStep: number;
  readonly steps: number;
  readonly hits: readonly GridHit[];
  /** Per-step log-likelihood and total (turns, and the call as the first voice heard it). */
  readonly logLikelihood?: { readonly total: number; readonly perStep: readonly number[] };
}

/** An exchange as sections on the 16th grid: the call, then each turn, players numbered by voice order. */
export function exchangeSections(x: Exchange, voiceOrder: readonly string[]): ConversationSection[] {
  const hits = (notes: Exchange['call']['notes'], player: number): GridHit[] =>
    notes.map((n) => ({ step: Math.round(n.tick / TICKS_PER_STEP), pitch: n.pitch, velocity: n.velocity, player }));
  const first = x.turns[0];
  const call: ConversationSection = {
    title: 'call',
    player: 0,
    startStep: x.call.startBar * x.stepsPerBar,
    steps: x.call.bars * x.stepsPerBar,
    hits: hits(x.call.notes, 0),
    ...(first ? { logLikelihood: first.primerLogLikelihood } : {}),
  };
  const turns = x.turns.map((t): ConversationSection => {
    const player = Math.max(0, voiceOrder.indexOf(t.voice)) + 1;
    return {
      title: t.voice,
      player,
      startStep: t.startBar * x.stepsPerBar,
      steps: t.bars * x.stepsPerBar,
      hits: hits(t.notes, player),
      logLikelihood: t.logLikelihood,
    };
  });
  return [call, ...turns];
}

/**
 * Where the song is, from the box's beat events: the beat's bar, beat and time plus the
 * tempo give the 16th at any time. Pure; undefined until the first beat.
 */
export interface BeatMark {
  readonly bar: number;
  readonly beat: number;
  readonly atMs: number;
  readonly tempo: number;
  readonly stepsPerBar: number;
}

/** The song 16th (fractional) at `ms`. */
export function stepAt(mark: BeatMark, ms: number): number {
  const beatsPerBar = mark.stepsPerBar / 4;
  const beatMs = 60_000 / mark.tempo;
  return (mark.bar * beatsPerBar + mark.beat + (ms - mark.atMs) / beatMs) * 4;
}

/** The time of song 16th `step`, by the same mark. */
export function timeOfStep(mark: BeatMark, step: number): number {
  const beatsPerBar = mark.stepsPerBar / 4;
  const beatMs = 60_000 / mark.tempo;
  return mark.atMs + (step / 4 - (mark.bar * beatsPerBar + mark.beat)) * beatMs;
}
