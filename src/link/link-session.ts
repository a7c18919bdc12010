import type { Bpm, Milliseconds } from '../clock/units.js';

/**
 * One reading of a Link session: Link's beat and phase at the monotonic time `atMs`
 * (CLOCK_MONOTONIC, the clock the box's scheduler runs on). Link's own clock on Linux is
 * CLOCK_MONOTONIC too, so a sample needs no clock conversion, only fitting (see LinkFollower).
 */
export interface LinkSample {
  readonly atMs: Milliseconds;
  /** Link's beat (quarter notes) at `atMs`; whole multiples of the quantum are bar lines. */
  readonly beat: number;
  /** `beat` modulo the quantum, aligned with every peer's phase. */
  readonly phase: number;
  readonly tempo: Bpm;
  readonly playing: boolean;
  readonly peers: number;
  /**
   * How long the reading took (µs): the beat belongs to some instant inside it. Wide ones
   * (the reader was preempted) are the least trustworthy.
   */
  readonly widthUs: number;
}

/** What changed between two samples; sent to `onChange` listeners. */
export type LinkChange =
  | { readonly kind: 'tempo'; readonly tempo: Bpm }
  | { readonly kind: 'peers'; readonly peers: number }
  | { readonly kind: 'playing'; readonly playing: boolean };

/**
 * A Link session as the box sees it. Commands are fire-and-forget (the real session runs in
 * a helper process); their effect shows in later samples. Contract:
 * - samples arrive every few milliseconds while enabled, in time order, never while disabled;
 * - a tempo or playing command shows in the samples, and reaches peers, well within a beat
 *   (500 ms: Link itself takes a few ms on a quiet LAN);
 * - with start/stop sync on, play state is shared with peers; off, it is local;
 * - `onChange` fires once per change seen in the samples (tempo, peer count, play state);
 * - after `dispose` resolves no listener is called again and nothing is left running;
 * - `onFailure` fires once if the session dies on its own (the helper crashed); it is
 *   disposed by then.
 */
export interface LinkSession {
  readonly enabled: boolean;
  enable(): void;
  disable(): void;
  setTempo(tempo: Bpm): void;
  /** Beats per bar line; the box sets it to its bar length in quarter notes. */
  setQuantum(beats: number): void;
  setPlaying(playing: boolean): void;
  setStartStopSync(on: boolean): void;
  /** The newest sample, or undefined before the first. */
  latest(): LinkSample | undefined;
  onSample(listener: (sample: LinkSample) => void): void;
  onChange(listener: (change: LinkChange) => void): void;
  onFailure(listener: (why: string) => void): void;
  dispose(): Promise<void>;
}

/** Compares two samples and lists what a listener should hear about. */
export function changesBetween(before: LinkSample | undefined, after: LinkSample): LinkChange[] {
  const changes: LinkChange[] = [];
  if (before?.tempo !== after.tempo) changes.push({ kind: 'tempo', tempo: after.tempo });
  if (before?.peers !== after.peers) changes.push({ kind: 'peers', peers: after.peers });
  if (before?.playing !== after.playing) changes.push({ kind: 'playing', playing: after.playing });
  return changes;
}
