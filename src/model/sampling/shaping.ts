/**
 * Answer shaping: a per-step bias added to the model's log-probabilities before an event is
 * chosen, so an answer stays in the call's groove. Two terms, both computed from the primer
 * (the call) alone, so the same call, options and seed always give the same answer:
 *
 * - the **bar-position profile**: how often the call hit each drum at each 16th of the bar,
 *   as a prior. Hitting drum c at position p adds `profileWeight * logit(q[p][c])`, where
 *   `q = (hits + 1/2) / (bars + 1)` (the Krichevsky–Trofimov estimate: a 2-bar call gives
 *   1/6, 1/2 or 5/6). It is a product of experts: the model times the call's profile^weight.
 *   With a `profileFloor` below 1 the weight ramps down over the answer (`profileRamp`): a
 *   drummer keeps the groove at the start of a reply and varies toward the end of the phrase.
 * - the **density guard**: each hit costs `densityWeight * ln(generated rate / call rate)`
 *   nats, where the generated rate is smoothed with one bar of the call's rate. An answer
 *   running denser than the call is pulled back, a sparser one pushed on; on rate it costs 0.
 *
 * The bias is added after the temperature, so its strength does not depend on it.
 */

/** How strongly an answer is pulled toward the call; 0 turns a term off. */
export interface ShapingOptions {
  readonly profileWeight?: number;
  readonly densityWeight?: number;
  /**
   * The share of `profileWeight` left at the end of the answer (the profile ramp): the prior is
   * at full weight on the first step and relaxes linearly to this share by the second half of
   * the answer's last bar, held there to the end. 1 (or absent) = the same weight throughout.
   */
  readonly profileFloor?: number;
  /** The answer's length in steps, which the ramp is laid over; absent = no ramp. */
  readonly steps?: number;
}

/** Changes one step's log-probabilities in place (and keeps them normalised). */
export interface LogitShaper {
  /**
   * @param logProbs the step's log-probabilities (temperature applied), changed in place
   * @param step generated steps before this one (0 = the first generated step)
   * @param generated the events generated so far (at least `step` of them)
   */
  shape(logProbs: Float64Array, step: number, generated: ArrayLike<number>): void;
}

export class ShapingError extends Error {
  override readonly name = 'ShapingError';
}

export function checkShaping(o: ShapingOptions): void {
  for (const [name, v] of [
    ['profileWeight', o.profileWeight],
    ['densityWeight', o.densityWeight],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw new ShapingError(`${name} must be a finite number >= 0, got ${v}`);
  }
  const floor = o.profileFloor;
  if (floor !== undefined && !(Number.isFinite(floor) && floor >= 0 && floor <= 1))
    throw new ShapingError(`profileFloor must be a number in [0, 1], got ${floor}`);
}

/**
 * The profile ramp: the share of the profile weight at generated step `step` of an answer of
 * `steps` steps. 1 on the first step, falling linearly to `floor` where the last bar's second
 * half starts, `floor` from there on: a drummer keeps the groove at the start of a reply and
 * varies toward the end of the phrase, where the fill goes.
 */
export function profileRamp(step: number, steps: number, floor: number, stepsPerBar: number): number {
  if (floor >= 1) return 1;
  const end = Math.max(1, steps - Math.floor(stepsPerBar / 2));
  return 1 - (1 - floor) * Math.min(1, step / end);
}

/** Number of drums hit by an event (`sum(2**class)`). */
export function hitCount(event: number): number {
  let n = 0;
  for (let e = event; e !== 0; e &= e - 1) n++;
  return n;
}

/**
 * The call's bar-position profile: `q[pos * classCount + c]`, the smoothed probability that
 * drum c is hit at bar position pos. The primer starts on a bar line.
 */
export function positionProfile(primer: ArrayLike<number>, stepsPerBar: number, classCount: number): Float64Array {
  const hits = new Float64Array(stepsPerBar * classCount);
  const seen = new Float64Array(stepsPerBar);
  for (let t = 0; t < primer.length; t++) {
    const pos = t % stepsPerBar;
    seen[pos] = (seen[pos] ?? 0) + 1;
    const e = primer[t] ?? 0;
    for (let c = 0; c < classCount; c++)
      if (e & (1 << c)) hits[pos * classCount + c] = (hits[pos * classCount + c] ?? 0) + 1;
  }
  const q = new Float64Array(stepsPerBar * classCount);
  for (let pos = 0; pos < stepsPerBar; pos++) {
    for (let c = 0; c < classCount; c++)
      q[pos * classCount + c] = ((hits[pos * classCount + c] ?? 0) + 0.5) / ((seen[pos] ?? 0) + 1);
  }
  return q;
}

/**
 * The profile prior as a table `bias[pos * eventCount + e]`: `weight * sum over drums c in e of
 * logit(q[pos][c])`. Silence gets 0; only differences between events matter to a softmax.
 */
export function profileBiasTable(
  q: Float64Array,
  stepsPerBar: number,
  classCount: number,
  eventCount: number,
  weight: number,
): Float64Array {
  const table = new Float64Array(stepsPerBar * eventCount);
  for (let pos = 0; pos < stepsPerBar; pos++) {
    const row = pos * eventCount;
    // Each event's sum is its lowest drum's term plus the sum of the event without that drum.
    for (let e = 1; e < eventCount; e++) {
      const c = 31 - Math.clz32(e & -e);
      const p = q[pos * classCount + c] ?? 0.5;
      table[row + e] = (table[row + (e & (e - 1))] ?? 0) + weight * Math.log(p / (1 - p));
    }
  }
  return table;
}

/**
 * The density guard's cost per hit at this step, in nats (negative: hits are encouraged).
 * `callRate` is the call's hits per step; the answer's rate so far is smoothed with
 * `priorSteps` steps at the call's rate, so the first steps are not pushed around by one hit.
 */
export function densityCostPerHit(
  callRate: number,
  hitsSoFar: number,
  stepsSoFar: number,
  weight: number,
  priorSteps: number,
): number {
  if (weight === 0 || callRate <= 0) return 0;
  const rate = (hitsSoFar + callRate * priorSteps) / (stepsSoFar + priorSteps);
  return weight * Math.log(rate / callRate);
}

/** Adds `bias[e]` to every log-probability and renormalises. */
export function addBias(logProbs: Float64Array, bias: ArrayLike<number>): void {
  let max = -Infinity;
  for (let e = 0; e < logProbs.length; e++) {
    const v = (logProbs[e] ?? -Infinity) + (bias[e] ?? 0);
    logProbs[e] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let e = 0; e < logProbs.length; e++) sum += Math.exp((logProbs[e] ?? -Infinity) - max);
  const logSum = max + Math.log(sum);
  for (let e = 0; e < logProbs.length; e++) logProbs[e] = (logProbs[e] ?? -Infinity) - logSum;
}

/**
 * The shaper for answering this call, or undefined when both weights are 0 (so plain
 * sampling stays exactly as it was). Generated step `s` sits at bar position
 * `(primer.length + s) % stepsPerBar`.
 */
export function callShaper(
  primer: ArrayLike<number>,
  options: ShapingOptions,
  eventCount: number,
  stepsPerBar = 16,
): LogitShaper | undefined {
  checkShaping(options);
  const profileWeight = options.profileWeight ?? 0;
  const densityWeight = options.densityWeight ?? 0;
  if ((profileWeight === 0 && densityWeight === 0) || primer.length === 0) return undefined;
  const classCount = Math.round(Math.log2(eventCount));
  const table =
    profileWeight === 0
      ? undefined
      : profileBiasTable(
          positionProfile(primer, stepsPerBar, classCount),
          stepsPerBar,
          classCount,
          eventCount,
          profileWeight,
        );
  let callHits = 0;
  for (let t = 0; t < primer.length; t++) callHits += hitCount(primer[t] ?? 0);
  const callRate = callHits / primer.length;
  const hits = new Uint8Array(eventCount).map((_, e) => hitCount(e));
  const bias = new Float64Array(eventCount);
  const floor = options.steps === undefined ? 1 : (options.profileFloor ?? 1);
  const steps = options.steps ?? 0;
  return {
    shape(logProbs, step, generated) {
      const offset = ((primer.length + step) % stepsPerBar) * eventCount;
      let soFar = 0;
      for (let s = 0; s < step; s++) soFar += hitCount(generated[s] ?? 0);
      const perHit = densityCostPerHit(callRate, soFar, step, densityWeight, stepsPerBar);
      const share = profileRamp(step, steps, floor, stepsPerBar);
      for (let e = 0; e < eventCount; e++)
        bias[e] = (table ? share * (table[offset + e] ?? 0) : 0) - perHit * (hits[e] ?? 0);
      addBias(logProbs, bias);
    },
  };
}
