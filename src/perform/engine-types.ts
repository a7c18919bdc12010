import type { Bpm, Milliseconds, Ticks } from '../clock/units.js';
import type { MidiMessage } from '../midi/message.js';
import type { GenerationRequest, LogLikelihood } from './generator-port.js';

/**
 * The song timeline the engine plays against: song position <-> monotonic time. Backed by
 * the master clock (or the follower) in the box and by a fixed timeline in tests.
 */
export interface TimelineView {
  readonly stepsPerBar: number;
  tempo(): Bpm;
  timeOfTick(tick: Ticks): Milliseconds;
  tickAt(timeMs: Milliseconds): Ticks;
}

export type CallEndReason = 'silence' | 'control' | 'max-length';

/** A recorded note on the song timeline. */
export interface RecordedNote {
  readonly pitch: number;
  readonly velocity: number;
  readonly tick: Ticks;
  readonly durationTicks: Ticks;
}

export interface RecordedTurn {
  readonly voice: string;
  readonly model: string;
  readonly startBar: number;
  readonly bars: number;
  readonly notes: readonly RecordedNote[];
  readonly events: Uint16Array;
  readonly temperature: number;
  readonly logLikelihood: LogLikelihood;
  readonly primerLogLikelihood: LogLikelihood;
  readonly slippedBars: number;
}

/** One call and the turns that answered it: what a recording file holds. */
export interface Exchange {
  readonly id: number;
  readonly mode: string;
  readonly tempo: Bpm;
  readonly stepsPerBar: number;
  readonly call: {
    readonly source: 'human' | 'mutate' | 'loop';
    readonly startBar: number;
    readonly bars: number;
    readonly endReason: CallEndReason | 'n/a';
    readonly notes: readonly RecordedNote[];
    readonly events: Uint16Array;
  };
  readonly turns: readonly RecordedTurn[];
}

export type EngineState = 'idle' | 'listening' | 'responding';

/** What the engine asks its shell to do. The engine itself never touches time or I/O. */
export type EngineAction =
  | { readonly kind: 'generate'; readonly id: number; readonly model: string; readonly request: GenerationRequest }
  | {
      readonly kind: 'send';
      readonly atMs: Milliseconds;
      readonly message: MidiMessage;
      readonly voice: string;
      /** Scheduler tag; sends without one are immediate (panic note-offs). */
      readonly tag: string | undefined;
      /** The song tick `atMs` was mapped from, so a tempo change can move the note. */
      readonly tick?: Ticks;
    }
  | { readonly kind: 'cancel'; readonly tag: string; readonly fromMs: Milliseconds }
  | { readonly kind: 'exchange'; readonly exchange: Exchange }
  | { readonly kind: 'state'; readonly state: EngineState }
  /** How many responses undo can go back to now (after each new response, and after an undo). */
  | { readonly kind: 'history'; readonly depth: number }
  /** A response that would have been ready late moved on by whole bars. */
  | { readonly kind: 'slip'; readonly voice: string; readonly bars: number }
  | {
      readonly kind: 'log';
      readonly level: 'debug' | 'info' | 'warn';
      readonly msg: string;
      readonly fields: Readonly<Record<string, unknown>>;
    };

/** Counters the panel and the log show. */
export interface EngineStats {
  exchanges: number;
  ignoredCalls: number;
  slips: number;
  slippedBars: number;
  cancelledSpeculations: number;
  loopRegenerations: number;
  loopReseeds: number;
}

/** The counters before the first exchange. */
export function noEngineStats(): EngineStats {
  return {
    exchanges: 0,
    ignoredCalls: 0,
    slips: 0,
    slippedBars: 0,
    cancelledSpeculations: 0,
    loopRegenerations: 0,
    loopReseeds: 0,
  };
}
