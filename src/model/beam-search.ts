import type { Continuation, GenerateOptions } from './generate.js';
import { primeState } from './generate.js';
import type { ModelState, MusicRnn, Primer } from './music-rnn.js';
import { SeededRandom } from './sampling/prng.js';
import { checkSampling, chooseEvent, logSoftmax } from './sampling/sample.js';

export interface BeamOptions extends GenerateOptions {
  /** Sequences kept after each pruning. */
  readonly beamSize: number;
  /** Copies made of each kept sequence before extending. */
  readonly branchFactor: number;
  /** Steps each copy is extended by between prunings. */
  readonly stepsPerIteration?: number;
}

interface Beam {
  state: ModelState;
  events: number[];
  perStep: number[];
  score: number;
}

function cloneBeam(model: MusicRnn, b: Beam): Beam {
  return { state: model.cloneState(b.state), events: [...b.events], perStep: [...b.perStep], score: b.score };
}

/**
 * Magenta's beam search (magenta/common/beam_search.py): `beamSize` copies of the primed
 * state are extended first; then, repeatedly, each kept sequence is copied `branchFactor`
 * times, every copy extended by `stepsPerIteration` sampled steps, and the best `beamSize` by
 * summed log-probability (temperature-scaled, primer included) are kept.
 */
export function beamSearch(model: MusicRnn, primer: Primer, steps: number, options: BeamOptions): Continuation {
  checkSampling(options);
  const { beamSize, branchFactor } = options;
  const perIteration = options.stepsPerIteration ?? 1;
  for (const [name, v] of Object.entries({ beamSize, branchFactor, stepsPerIteration: perIteration })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const { state, primerLogLikelihood } = primeState(model, primer, options);
  const rng = new SeededRandom(options.seed ?? 0);
  const logProbs = new Float64Array(model.eventCount);

  const extend = (beams: Beam[], count: number): void => {
    for (let s = 0; s < count; s++) {
      for (const b of beams) {
        logSoftmax(b.state.logits, options.temperature, logProbs);
        const e = chooseEvent(logProbs, options, rng);
        const lp = logProbs[e] ?? -Infinity;
        b.events.push(e);
        b.perStep.push(lp);
        b.score += lp;
        model.feed(b.state, e, options.controls);
      }
    }
  };

  let iterations = Math.floor(steps / perIteration);
  let firstSteps = steps - (iterations - 1) * perIteration;
  if (iterations === 0) [iterations, firstSteps] = [1, steps];
  const first: Beam = { state, events: [], perStep: [], score: primerLogLikelihood };
  let beams: Beam[] = [first, ...Array.from({ length: beamSize - 1 }, () => cloneBeam(model, first))];
  extend(beams, firstSteps);
  for (let it = 1; it < iterations; it++) {
    const branches = beams.flatMap((b) => [b, ...Array.from({ length: branchFactor - 1 }, () => cloneBeam(model, b))]);
    extend(branches, perIteration);
    beams = branches
      .map((b, i) => ({ b, i }))
      .sort((x, y) => y.b.score - x.b.score || x.i - y.i)
      .slice(0, beamSize)
      .map((x) => x.b);
  }
  const best = beams.reduce((a, b) => (b.score > a.score ? b : a));
  const perStep = Float64Array.from(best.perStep);
  const logLikelihood = perStep.reduce((a, b) => a + b, 0);
  return {
    events: Uint16Array.from(best.events),
    perStep,
    logLikelihood,
    primerLogLikelihood,
    totalLogLikelihood: best.score,
    state: best.state,
  };
}
