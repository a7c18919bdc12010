import type { GrooveSetting } from '../groove/groove.js';

/** How voices take turns. */
export type PerformMode = 'answer' | 'chain' | 'loop';

/** One model voice: which model plays and how it samples. Where it plays is the router's business (the registry's `role`). */
export interface VoiceSettings {
  readonly name: string;
  /** Key into the engine's generator table. */
  readonly model: string;
  /** 0-based MIDI channel (9 = GM drums). */
  readonly channel: number;
  readonly temperature: number;
  /** Sample from the k likeliest events only; 0 = off. */
  readonly topK: number;
  /** Sample from the likeliest events holding this much probability; 1 = off. */
  readonly topP: number;
  readonly beamSize: number;
  /** Answer shaping: the call's bar-position profile as a prior, and a pull toward its density (0 = off). */
  readonly profileWeight: number;
  /** The profile's share left by the answer's end (1 = the same weight throughout). */
  readonly profileFloor: number;
  readonly densityWeight: number;
}

/** Guard for loop mode, so two models cannot talk each other into a wall of noise or silence. */
export interface LoopGuard {
  readonly minHitsPerBar: number;
  readonly maxHitsPerBar: number;
  /** Regenerations (temperature nudged) before the loop is reseeded from the human's call. */
  readonly retries: number;
  /** Turns per recorded file while looping. */
  readonly turnsPerRecording: number;
}

/**
 * Everything a knob or CC can change. Lengths are in bars (the box's "tick" is a bar, as in
 * Magenta's interface).
 */
export interface PerformParams {
  readonly mode: PerformMode;
  readonly minCallBars: number;
  readonly maxCallBars: number;
  /** Bars of silence that end a call. */
  readonly silenceBars: number;
  /** Response length in bars; 0 = as long as the call. */
  readonly responseBars: number;
  /** The first note of a response is committed to the scheduler at least this long before it sounds. */
  readonly safetyMs: number;
  /** Continue each voice's recurrent state from its previous turn. */
  readonly carryState: boolean;
  /** Repeat the last response until toggled, panicked or played over. */
  readonly loopResponse: boolean;
  /** Whose feel the answers take: the model's learned groove, the caller's, or the straight grid. */
  readonly groove: GrooveSetting;
  /** Where the off-beat 16ths of an answer fall within their 8th, in percent: 50 straight, 66.7 a triplet shuffle. */
  readonly swing: number;
  /** The answers' velocities scaled, in percent. */
  readonly volume: number;
  /** Note length of a generated hit, in 16th steps. */
  readonly gateSteps: number;
  /** Generation cost assumed before any has been measured, per step fed or generated. */
  readonly initialMsPerStep: number;
  readonly seed: number;
  readonly loopGuard: LoopGuard;
  readonly voices: readonly VoiceSettings[];
}

/** Plain sampling at temperature 1, as Magenta samples: tests and offline tools. The box's own voice defaults are the registry's (measured: DEFAULT_SAMPLING). */
export const DEFAULT_VOICE: VoiceSettings = {
  name: 'A',
  model: 'default',
  channel: 9,
  temperature: 1,
  topK: 0,
  topP: 1,
  beamSize: 1,
  profileWeight: 0,
  profileFloor: 1,
  densityWeight: 0,
};

export const DEFAULT_PARAMS: PerformParams = {
  mode: 'answer',
  minCallBars: 1,
  maxCallBars: 8,
  silenceBars: 1,
  responseBars: 0,
  safetyMs: 30,
  carryState: true,
  loopResponse: false,
  groove: 'learned',
  swing: 50,
  volume: 100,
  gateSteps: 0.5,
  initialMsPerStep: 2,
  seed: 1,
  loopGuard: { minHitsPerBar: 2, maxHitsPerBar: 40, retries: 2, turnsPerRecording: 8 },
  voices: [DEFAULT_VOICE],
};
