import type { Bpm, Meter, Steps, Ticks } from './units.js';
import { FOUR_FOUR, MAX_SONG_POSITION, TICKS_PER_STEP, steps, ticks } from './units.js';

/** What a transport change means on the wire and to the engine. */
export type TransportEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'continue'; readonly position: Ticks }
  | { readonly kind: 'stop'; readonly position: Ticks }
  | { readonly kind: 'locate'; readonly position: Ticks }
  | { readonly kind: 'tempo'; readonly tempo: Bpm };

export interface TransportState {
  readonly running: boolean;
  /** Ticks elapsed since song start: the index of the next tick to be played. */
  readonly position: Ticks;
  readonly tempo: Bpm;
  readonly meter: Meter;
}

/**
 * Transport with MIDI 1.0 semantics, pure state transitions:
 * - start (FA): position 0, running; the first clock after it is the downbeat.
 * - stop (FC): halt, keep position (a later continue resumes there).
 * - continue (FB): resume from the held position.
 * - song position (F2): only while stopped; sets position to SPP * 6 ticks. Receivers ignore
 *   SPP while running, and so do we.
 * - clock (F8): advances position by one tick while running.
 */
export function initialTransport(tempo: Bpm, meter: Meter = FOUR_FOUR): TransportState {
  return { running: false, position: ticks(0), tempo, meter };
}

export function start(state: TransportState): TransportState {
  return { ...state, running: true, position: ticks(0) };
}

export function stop(state: TransportState): TransportState {
  return { ...state, running: false };
}

export function resume(state: TransportState): TransportState {
  return { ...state, running: true };
}

/** Locate to a Song Position Pointer value; ignored while running, as MIDI 1.0 says. */
export function locate(state: TransportState, position: Steps): TransportState {
  if (state.running) return state;
  const clamped = Math.max(0, Math.min(MAX_SONG_POSITION, Math.floor(position)));
  return { ...state, position: ticks(clamped * TICKS_PER_STEP) };
}

export function advance(state: TransportState): TransportState {
  return state.running ? { ...state, position: ticks(state.position + 1) } : state;
}

export function withTempo(state: TransportState, tempo: Bpm): TransportState {
  return { ...state, tempo };
}

/**
 * SPP to send before a continue from `position`. SPP counts whole 16ths, so a position
 * between steps rounds up to the next step boundary: the receiver resumes where the next
 * clocks will actually land.
 */
export function songPositionFor(position: Ticks): Steps {
  return steps(Math.min(MAX_SONG_POSITION, Math.ceil(position / TICKS_PER_STEP)));
}
