import type { QuantizedNote, QuantizedSequence } from '../music/note-sequence.js';
import type { ControlsAt, ModelState, MusicRnn, Primer } from './music-rnn.js';
import { SeededRandom } from '../util/seeded-random.js';
import type { SamplingOptions } from './sampling/sample.js';
import { checkSampling, chooseEvent, logSoftmax } from './sampling/sample.js';
import type { LogitShaper } from './sampling/shaping.js';

export interface GenerateOptions extends SamplingOptions {
  /** PRNG seed; the same seed, primer and options give the same events. Default 0. */
  readonly seed?: number;
  /** State carried over from an earlier exchange: the primer continues it. */
  readonly state?: ModelState;
  readonly controls?: ControlsAt;
  /**
   * Biases each generated step's distribution (after the temperature) before an event is
   * chosen, e.g. toward the call's groove (`callShaper`). Log-likelihoods are then those of
   * the shaped distribution, the one the answer was drawn from.
   */
  readonly shaper?: LogitShaper;
  /** Also return each generated step's softmax (for tests and displays). */
  readonly returnProbabilities?: boolean;
}

export interface Continuation {
  readonly events: Uint16Array;
  /** log p of each generated event under the temperature-scaled softmax. */
  readonly perStep: Float64Array;
  /** Sum of `perStep`. */
  readonly logLikelihood: number;
  /** Sum over the primer's events that had a prediction (all but the first, unless state was carried). */
  readonly primerLogLikelihood: number;
  /** Primer + generated: Magenta's logged "log-likelihood". */
  readonly totalLogLikelihood: number;
  /** State after the last generated event was fed: pass it back to continue. */
  readonly state: ModelState;
  readonly probabilities?: Float32Array[];
}

/** Feeds events, scoring each one the state already predicted. Returns the summed log p. */
export function feedScored(
  model: MusicRnn,
  state: ModelState,
  events: ArrayLike<number>,
  temperature: number | undefined,
  controls?: ControlsAt,
  perStep?: Float64Array,
): number {
  const logProbs = new Float64Array(model.eventCount);
  let sum = 0;
  for (let t = 0; t < events.length; t++) {
    const e = events[t] ?? 0;
    if (state.primed) {
      const lp = logSoftmax(state.logits, temperature, logProbs)[e] ?? -Infinity;
      sum += lp;
      if (perStep) perStep[t] = lp;
    } else if (perStep) {
      perStep[t] = NaN;
    }
    model.feed(state, e, controls);
  }
  return sum;
}

export function primeState(
  model: MusicRnn,
  primer: Primer,
  options: GenerateOptions,
): { state: ModelState; primerLogLikelihood: number } {
  const state = options.state ? model.cloneState(options.state) : model.newState(primer.position ?? 0);
  const primerLogLikelihood = feedScored(model, state, primer.events, options.temperature, options.controls);
  if (!state.primed) throw new RangeError('a primer needs at least one event when no state is carried');
  return { state, primerLogLikelihood };
}

/**
 * Continues a primer by `steps` events: argmax, or sampling with temperature / top-k / top-p
 * from a seeded generator. Every generated event is fed back, so the returned `state` can
 * continue where this left off (the performance engine carries it between exchanges).
 */
export function continueEvents(
  model: MusicRnn,
  primer: Primer,
  steps: number,
  options: GenerateOptions = {},
): Continuation {
  checkSampling(options);
  const { state, primerLogLikelihood } = primeState(model, primer, options);
  const rng = new SeededRandom(options.seed ?? 0);
  const events = new Uint16Array(steps);
  const perStep = new Float64Array(steps);
  const logProbs = new Float64Array(model.eventCount);
  const probabilities: Float32Array[] = [];
  let sum = 0;
  for (let t = 0; t < steps; t++) {
    logSoftmax(state.logits, options.temperature, logProbs);
    options.shaper?.shape(logProbs, t, events);
    if (options.returnProbabilities) probabilities.push(Float32Array.from(logProbs, Math.exp));
    const e = chooseEvent(logProbs, options, rng);
    events[t] = e;
    perStep[t] = logProbs[e] ?? -Infinity;
    sum += perStep[t] ?? 0;
    model.feed(state, e, options.controls);
  }
  return {
    events,
    perStep,
    logLikelihood: sum,
    primerLogLikelihood,
    totalLogLikelihood: primerLogLikelihood + sum,
    state,
    ...(options.returnProbabilities ? { probabilities } : {}),
  };
}

export interface Evaluation {
  /** log p of every event that had a prediction; NaN for the first one without carried state. */
  readonly perStep: Float64Array;
  readonly logLikelihood: number;
  /** Mean over scored events: comparable across lengths ("how surprising per step"). */
  readonly meanPerStep: number;
  readonly state: ModelState;
}

/** How likely the model finds a given sequence (e.g. the human's phrase). */
export function evaluateEvents(
  model: MusicRnn,
  sequence: Primer,
  options: Pick<GenerateOptions, 'temperature' | 'state' | 'controls'> = {},
): Evaluation {
  const state = options.state ? model.cloneState(options.state) : model.newState(sequence.position ?? 0);
  const perStep = new Float64Array(sequence.events.length);
  const logLikelihood = feedScored(model, state, sequence.events, options.temperature, options.controls, perStep);
  const scored = perStep.filter((v) => !Number.isNaN(v)).length;
  return { perStep, logLikelihood, meanPerStep: scored === 0 ? 0 : logLikelihood / scored, state };
}

export interface SequenceContinuation extends Continuation {
  /** The generated events as notes, starting on the step after the primer window. */
  readonly notes: QuantizedNote[];
}

/**
 * The performance engine's entry point: continue a quantised phrase (or the window
 * `fromStep..toStep` of it) by `steps` steps, optionally from a carried state, and get notes
 * back on the same grid.
 */
export function continueSequence(
  model: MusicRnn,
  sequence: QuantizedSequence,
  steps: number,
  options: GenerateOptions & { readonly fromStep?: number; readonly toStep?: number } = {},
): SequenceContinuation {
  const toStep = options.toStep ?? sequence.totalSteps;
  const primer = model.encode(sequence, options.fromStep ?? 0, toStep);
  const result = continueEvents(model, primer, steps, options);
  return { ...result, notes: model.decode(result.events, toStep) };
}
