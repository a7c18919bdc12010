import type { SeededRandom } from '../../util/seeded-random.js';

/** How the next event is chosen from the model's distribution. */
export interface SamplingOptions {
  /** Softmax temperature; absent or 0 means argmax (as magenta-js without a temperature). */
  readonly temperature?: number;
  /** Sample only among the k most likely events. */
  readonly topK?: number;
  /** Sample only among the most likely events whose probabilities sum to p (nucleus). */
  readonly topP?: number;
}

export class SamplingError extends Error {
  override readonly name = 'SamplingError';
}

export function checkSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature))) {
    throw new SamplingError(`temperature must be >= 0, got ${o.temperature}`);
  }
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1)) {
    throw new SamplingError(`topK must be a positive integer, got ${o.topK}`);
  }
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) {
    throw new SamplingError(`topP must be in (0, 1], got ${o.topP}`);
  }
}

/** log softmax(logits / temperature), in float64; temperature 0 is treated as 1. */
export function logSoftmax(logits: Float32Array, temperature: number | undefined, out: Float64Array): Float64Array {
  const t = temperature === undefined || temperature === 0 ? 1 : temperature;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, (logits[i] ?? 0) / t);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] ?? 0) / t - max);
  const logSum = max + Math.log(sum);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] ?? 0) / t - logSum;
  return out;
}

/** Whether `chooseEvent` draws by plain sampling (so `drawEvent` can stand in for it). */
export function isPlainSampling(options: SamplingOptions): boolean {
  return (
    options.temperature !== undefined &&
    options.temperature !== 0 &&
    options.topK === undefined &&
    options.topP === undefined
  );
}

/**
 * One step's distribution, sampled by several beam branches: `draw` is exactly
 * `chooseEvent`'s plain-sampling draw, but each probability is exponentiated once, and only as
 * far as some draw has reached (a drum model's likeliest event, silence, comes first).
 */
export class SharedDistribution {
  readonly logProbs: Float64Array;
  private readonly probabilities: Float64Array;
  private known = 0;

  constructor(size: number) {
    this.logProbs = new Float64Array(size);
    this.probabilities = new Float64Array(size);
  }

  set(logits: Float32Array, temperature: number | undefined): this {
    logSoftmax(logits, temperature, this.logProbs);
    this.known = 0;
    return this;
  }

  draw(rng: SeededRandom): number {
    let u = rng.next();
    const n = this.logProbs.length;
    for (let i = 0; i < n; i++) {
      if (i === this.known) this.probabilities[this.known++] = Math.exp(this.logProbs[i] ?? -Infinity);
      u -= this.probabilities[i] ?? 0;
      if (u < 0) return i;
    }
    return argmax(this.logProbs);
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

/**
 * Picks an event from log-probabilities. Argmax when there is no temperature; otherwise a draw
 * from the (top-k / top-p truncated, renormalised) distribution with the seeded generator.
 */
export function chooseEvent(logProbs: Float64Array, options: SamplingOptions, rng: SeededRandom): number {
  if (options.temperature === undefined || options.temperature === 0) return argmax(logProbs);
  const n = logProbs.length;
  if (options.topK === undefined && options.topP === undefined) {
    // Plain sampling: one pass, no candidate list.
    let u = rng.next();
    for (let i = 0; i < n; i++) {
      u -= Math.exp(logProbs[i] ?? -Infinity);
      if (u < 0) return i;
    }
    return argmax(logProbs); // rounding left u a hair above 0
  }
  let candidates: number[];
  {
    candidates = Array.from({ length: n }, (_, i) => i).sort((a, b) => (logProbs[b] ?? 0) - (logProbs[a] ?? 0));
    if (options.topK !== undefined) candidates = candidates.slice(0, options.topK);
    if (options.topP !== undefined) {
      let mass = 0;
      let keep = 0;
      while (keep < candidates.length && mass < options.topP)
        mass += Math.exp(logProbs[candidates[keep++] ?? 0] ?? -Infinity);
      candidates = candidates.slice(0, Math.max(1, keep));
    }
  }
  let total = 0;
  for (const i of candidates) total += Math.exp(logProbs[i] ?? -Infinity);
  let u = rng.next() * total;
  for (const i of candidates) {
    u -= Math.exp(logProbs[i] ?? -Infinity);
    if (u < 0) return i;
  }
  return candidates[candidates.length - 1] ?? 0;
}
