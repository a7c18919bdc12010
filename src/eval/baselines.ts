import { DRUM_CLASS_COUNT, DRUM_EVENT_COUNT } from '../model/encoding/drum-pitch-maps.js';
import type { StepPredictor, StepScores } from './step-predictor.js';

/**
 * Unigram over the 512 events, add-one smoothed: the floor any model must clear
 * (2.80 nats/step on GMD validation, README of the data set).
 */
export function trainUnigram(windows: readonly Uint16Array[]): StepPredictor {
  return unigramFromCounts(countUnigram(windows));
}

/** Event counts, add-one smoothed: what baselines.json stores for the unigram. */
export function countUnigram(windows: readonly Uint16Array[]): Float64Array {
  const counts = new Float64Array(DRUM_EVENT_COUNT).fill(1);
  for (const events of windows) for (const e of events) counts[e] = (counts[e] ?? 0) + 1;
  return counts;
}

export function unigramFromCounts(counts: Float64Array): StepPredictor {
  const total = counts.reduce((a, b) => a + b, 0);
  const logP = counts.map((c) => Math.log(c / total));
  let best = 0;
  counts.forEach((c, e) => {
    if (c > (counts[best] ?? 0)) best = e;
  });
  return {
    name: 'unigram',
    score(events: Uint16Array): StepScores {
      const n = events.length - 1;
      const logProbs = new Float64Array(n);
      const exact = new Uint8Array(n);
      for (let t = 1; t < events.length; t++) {
        const e = events[t] ?? 0;
        logProbs[t - 1] = logP[e] ?? -Infinity;
        exact[t - 1] = e === best ? 1 : 0;
      }
      return { logProbs, exact };
    },
  };
}

/** Steps back the Bernoulli baseline looks at: the step before, a bar, two bars. */
const LAGS = [1, 16, 32] as const;
const POSITIONS = 16;
const CONTEXTS = POSITIONS * (1 << LAGS.length);

/**
 * Nine independent Bernoullis, one per drum class, each conditioned on the position in the
 * bar and on whether the same drum hit 1, 16 and 32 steps earlier (1.58 nats/step on GMD
 * validation, README of the data set). Add-one smoothed counts.
 */
export function trainBernoulliBaseline(windows: readonly Uint16Array[]): StepPredictor {
  return bernoulliFromTable(countBernoulli(windows));
}

/** Smoothed hit and total counts per class and context: what baselines.json stores. */
export interface BernoulliCounts {
  readonly hits: Float64Array;
  readonly totals: Float64Array;
}

export function countBernoulli(windows: readonly Uint16Array[]): BernoulliCounts {
  const hits = new Float64Array(DRUM_CLASS_COUNT * CONTEXTS).fill(1);
  const totals = new Float64Array(DRUM_CLASS_COUNT * CONTEXTS).fill(2);
  for (const events of windows) {
    for (let t = 1; t < events.length; t++) {
      for (let c = 0; c < DRUM_CLASS_COUNT; c++) {
        const k = c * CONTEXTS + contextOf(events, t, c);
        totals[k] = (totals[k] ?? 0) + 1;
        if (((events[t] ?? 0) >> c) & 1) hits[k] = (hits[k] ?? 0) + 1;
      }
    }
  }
  return { hits, totals };
}

export function bernoulliFromTable({ hits, totals }: BernoulliCounts): StepPredictor {
  const pHit = hits.map((h, k) => h / (totals[k] ?? 1));
  return {
    name: 'bernoulli (bar position, same drum 1/16/32 back)',
    score(events: Uint16Array): StepScores {
      const n = events.length - 1;
      const logProbs = new Float64Array(n);
      const exact = new Uint8Array(n);
      for (let t = 1; t < events.length; t++) {
        let logP = 0;
        let right = 1;
        for (let c = 0; c < DRUM_CLASS_COUNT; c++) {
          const p = pHit[c * CONTEXTS + contextOf(events, t, c)] ?? 0.5;
          const hit = ((events[t] ?? 0) >> c) & 1;
          logP += Math.log(hit ? p : 1 - p);
          if ((p > 0.5 ? 1 : 0) !== hit) right = 0;
        }
        logProbs[t - 1] = logP;
        exact[t - 1] = right;
      }
      return { logProbs, exact };
    },
  };
}

/** Windows start on a bar line, so t mod 16 is the position in a 4/4 bar; before 0 is silence. */
function contextOf(events: Uint16Array, t: number, drumClass: number): number {
  let ctx = t % POSITIONS;
  LAGS.forEach((lag, i) => {
    const back = t - lag >= 0 ? (events[t - lag] ?? 0) : 0;
    if ((back >> drumClass) & 1) ctx += POSITIONS << i;
  });
  return ctx;
}

/** "Repeat the bar before": exact-event accuracy only (it gives no probabilities). */
export function repeatBarAccuracy(windows: readonly Uint16Array[]): number {
  let right = 0;
  let steps = 0;
  for (const events of windows) {
    for (let t = 1; t < events.length; t++) {
      const guess = t >= 16 ? (events[t - 16] ?? 0) : 0;
      if (guess === events[t]) right++;
      steps++;
    }
  }
  return steps > 0 ? right / steps : NaN;
}

/** The baselines fit on a model's training data, saved beside it so `eval` can compare. */
export interface SavedBaselines {
  readonly version: 1;
  readonly unigram: number[];
  readonly bernoulliHits: number[];
  readonly bernoulliTotals: number[];
}

export function saveBaselines(windows: readonly Uint16Array[]): SavedBaselines {
  const b = countBernoulli(windows);
  return {
    version: 1,
    unigram: [...countUnigram(windows)],
    bernoulliHits: [...b.hits],
    bernoulliTotals: [...b.totals],
  };
}

export class BaselineFileError extends Error {
  override readonly name = 'BaselineFileError';
}

export function loadBaselines(value: unknown): StepPredictor[] {
  const v = value as Partial<SavedBaselines> | null;
  const ok = (a: unknown, n: number): a is number[] =>
    Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && x > 0);
  if (v === null || typeof v !== 'object' || v.version !== 1)
    throw new BaselineFileError('baselines.json: version must be 1');
  if (!ok(v.unigram, DRUM_EVENT_COUNT))
    throw new BaselineFileError(`baselines.json: unigram must be ${DRUM_EVENT_COUNT} positive counts`);
  if (!ok(v.bernoulliHits, DRUM_CLASS_COUNT * CONTEXTS) || !ok(v.bernoulliTotals, DRUM_CLASS_COUNT * CONTEXTS)) {
    throw new BaselineFileError(
      `baselines.json: bernoulli tables must be ${DRUM_CLASS_COUNT * CONTEXTS} positive counts`,
    );
  }
  return [
    unigramFromCounts(Float64Array.from(v.unigram)),
    bernoulliFromTable({ hits: Float64Array.from(v.bernoulliHits), totals: Float64Array.from(v.bernoulliTotals) }),
  ];
}
