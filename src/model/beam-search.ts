import type { Continuation, GenerateOptions } from './generate.js';
import { primeState } from './generate.js';
import type { ModelState, MusicRnn, Primer } from './music-rnn.js';
import { SeededRandom } from '../util/seeded-random.js';
import { checkSampling, chooseEvent, logSoftmax } from './sampling/sample.js';

export interface BeamResult extends Continuation {
  /** Network steps actually run (shared branch states are computed once). */
  readonly networkSteps: number;
}

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

/** A branch shares its parent's state until it draws an event (see `extend`). */
function branchOf(b: Beam): Beam {
  return { state: b.state, events: [...b.events], perStep: [...b.perStep], score: b.score };
}

/**
 * Magenta's beam search (magenta/common/beam_search.py): `beamSize` copies of the primed
 * state are extended first; then, repeatedly, each kept sequence is copied `branchFactor`
 * times, every copy extended by `stepsPerIteration` sampled steps, and the best `beamSize` by
 * summed log-probability (temperature-scaled, primer included) are kept.
 */
export function beamSearch(model: MusicRnn, primer: Primer, steps: number, options: BeamOptions): BeamResult {
  checkSampling(options);
  const { beamSize, branchFactor } = options;
  const perIteration = options.stepsPerIteration ?? 1;
  for (const [name, v] of Object.entries({ beamSize, branchFactor, stepsPerIteration: perIteration })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const { state, primerLogLikelihood } = primeState(model, primer, options);
  const rng = new SeededRandom(options.seed ?? 0);

  // Branches start as copies of one state, and copies that draw the same event reach the same
  // next state: compute it once and share it. States are never changed once shared (a step
  // always writes a fresh one), so sharing is exact.
  let computed = 0;
  const distributionBuffers: Float64Array[] = [];
  const releaseUnused = (candidates: Iterable<ModelState>, kept: readonly Beam[]): void => {
    const live = new Set(kept.map((b) => b.state));
    for (const s of new Set(candidates)) if (!live.has(s)) model.releaseState(s);
  };
  const extend = (beams: Beam[], count: number): void => {
    for (let s = 0; s < count; s++) {
      const next = new Map<ModelState, Map<number, ModelState>>();
      const toFeed: ModelState[] = [];
      const toFeedEvents: number[] = [];
      // Branches that share a state share its distribution: compute it once per state.
      const distributions = new Map<ModelState, Float64Array>();
      for (const b of beams) {
        let logProbs = distributions.get(b.state);
        if (logProbs === undefined) {
          // One buffer per distinct state of this step, reused across steps (no GC churn).
          const buffer = (distributionBuffers[distributions.size] ??= new Float64Array(model.eventCount));
          logProbs = logSoftmax(b.state.logits, options.temperature, buffer);
          distributions.set(b.state, logProbs);
        }
        const e = chooseEvent(logProbs, options, rng);
        const lp = logProbs[e] ?? -Infinity;
        b.events.push(e);
        b.perStep.push(lp);
        b.score += lp;
        const byEvent = next.get(b.state) ?? new Map<number, ModelState>();
        next.set(b.state, byEvent);
        let after = byEvent.get(e);
        if (after === undefined) {
          after = model.cloneState(b.state);
          toFeed.push(after);
          toFeedEvents.push(e);
          byEvent.set(e, after);
        }
        b.state = after;
      }
      // All distinct (state, event) pairs of this step in one batched pass.
      model.feedBatch(toFeed, toFeedEvents, options.controls);
      computed += toFeed.length;
      releaseUnused([...next.keys()], beams);
    }
  };

  let iterations = Math.floor(steps / perIteration);
  let firstSteps = steps - (iterations - 1) * perIteration;
  if (iterations === 0) [iterations, firstSteps] = [1, steps];
  const first: Beam = { state, events: [], perStep: [], score: primerLogLikelihood };
  let beams: Beam[] = [first, ...Array.from({ length: beamSize - 1 }, () => branchOf(first))];
  extend(beams, firstSteps);
  for (let it = 1; it < iterations; it++) {
    const branches = beams.flatMap((b) => [b, ...Array.from({ length: branchFactor - 1 }, () => branchOf(b))]);
    extend(branches, perIteration);
    beams = branches
      .map((b, i) => ({ b, i }))
      .sort((x, y) => y.b.score - x.b.score || x.i - y.i)
      .slice(0, beamSize)
      .map((x) => x.b);
    releaseUnused(
      branches.map((b) => b.state),
      beams,
    );
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
    networkSteps: computed,
  };
}
