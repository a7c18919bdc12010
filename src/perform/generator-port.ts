/**
 * What the performance engine needs from a model: continue a primer by N steps, and score
 * what it fed. The model layer (src/model/) implements this over its own inference; the
 * engine never sees tensors, weights or encodings other than drum events.
 */

/** Opaque recurrent state a generator hands back so the next exchange can continue from it. */
export interface GeneratorState {
  readonly kind: 'generator-state';
}

/** Log-likelihood of a run of steps, natural log: the sum and each step's term. */
export interface LogLikelihood {
  readonly total: number;
  readonly perStep: readonly number[];
}

/**
 * How a voice chooses its answer: every per-voice sampling and shaping setting, in one place.
 * The engine copies a voice's settings into each GenerationRequest.
 */
export interface SamplingSettings {
  /** Softmax temperature, > 0. */
  readonly temperature: number;
  /** 1 = plain sampling; >1 = beam search with this many beams (the likeliest answer). */
  readonly beamSize: number;
  /** Sample only from the k likeliest events; 0 = off. */
  readonly topK: number;
  /** Sample only from the likeliest events holding this much probability, (0, 1]; 1 = off. */
  readonly topP: number;
  /**
   * Pull toward the call's bar-position profile (which drum it hit where in the bar), as a
   * prior: 0 = off, 1 = the model times the profile. See src/model/sampling/shaping.ts.
   */
  readonly profileWeight: number;
  /**
   * The profile ramp: the share of `profileWeight` left by the end of the answer (1 = constant).
   * The prior is full at the answer's start and relaxes toward its end, where a drummer varies.
   */
  readonly profileFloor: number;
  /** Pull the answer's hits per step toward the call's: 0 = off; nats per hit per unit log-ratio. */
  readonly densityWeight: number;
}

/** What a request without the optional fields means: plain temperature sampling, no shaping. */
export const SAMPLING_OFF: SamplingSettings = {
  temperature: 1,
  beamSize: 1,
  topK: 0,
  topP: 1,
  profileWeight: 0,
  profileFloor: 1,
  densityWeight: 0,
};

/**
 * The recommended voice settings, chosen from `antiphon eval MODEL DIR --answers` on the
 * Groove MIDI Dataset's validation beats (table and trade-offs: models/gmd-drums/README.md).
 * A strong call profile that relaxes over the answer (full on its first step, gone by the last
 * bar's second half) and a density guard: sampled, 92% of answers stay within ±30% of the call's
 * density and 22% of their hits differ from repeating the call's last bar (hit F1 vs the
 * drummer's continuation 0.70, plain T 1: 0.57); the likeliest answer (beam 4, same settings)
 * reaches F1 0.760, level with "repeat bar 2" (0.758). The box's live defaults are the registry's.
 */
export const DEFAULT_SAMPLING: SamplingSettings = {
  temperature: 0.9,
  beamSize: 1,
  topK: 0,
  topP: 1,
  profileWeight: 3,
  profileFloor: 0,
  densityWeight: 10,
};

export interface GenerationRequest
  extends
    Pick<SamplingSettings, 'temperature' | 'beamSize'>,
    Partial<Omit<SamplingSettings, 'temperature' | 'beamSize'>> {
  /** Drum events (one per 16th, `sum(2**class)`), starting on a bar line. */
  readonly primer: Uint16Array;
  /** How many steps to generate after the primer. */
  readonly steps: number;
  readonly seed: number;
  /** State returned by an earlier generation; absent = start fresh. */
  readonly state?: GeneratorState;
}

export interface GenerationResult {
  readonly events: Uint16Array;
  /** Of the generated steps, under the temperature-scaled distribution (as Magenta logs it). */
  readonly logLikelihood: LogLikelihood;
  /** Of the primer itself (every step that had a prediction), same temperature: how "expected" the call was. */
  readonly primerLogLikelihood: LogLikelihood;
  /** State after the last generated step, for carrying the conversation on. */
  readonly state: GeneratorState;
}

/** A drum model voice. Generation may run in a worker: the engine only sees the promise. */
export interface ResponseGenerator {
  /** Name shown in logs and the recording's track names. */
  readonly name: string;
  /** Pitch a drum class decodes to, by class index (0 = kick .. 8 = ride). */
  readonly classPitches: readonly number[];
  /** Class of a MIDI pitch, or -1 when the model has no class for it. */
  classOf(pitch: number): number;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  dispose(): void;
}
