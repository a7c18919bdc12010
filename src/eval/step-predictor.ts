/**
 * Anything that scores next drum events: a baseline or a network. `score` is called once per
 * window; it returns, for each step t >= 1, ln p(events[t] | events[0..t-1]) and whether the
 * predictor's most likely event was the one played. Step 0 has no history and is not scored,
 * matching how the network is trained (inputs 0..n-2, labels 1..n-1).
 */
export interface StepPredictor {
  readonly name: string;
  score(events: Uint16Array): StepScores;
}

export interface StepScores {
  /** Length events.length - 1: natural-log probability of each scored step. */
  readonly logProbs: Float64Array;
  /** Length events.length - 1: 1 where the argmax event was exactly right. */
  readonly exact: Uint8Array;
}

export interface EvalFigures {
  readonly name: string;
  /** Negative log-likelihood per step, nats. */
  readonly nllPerStep: number;
  /** Fraction of steps whose most likely event was exactly the event played. */
  readonly exactAccuracy: number;
  readonly steps: number;
}

/** Sums a predictor's scores over many windows into per-step figures. */
export function evaluate(predictor: StepPredictor, windows: readonly Uint16Array[]): EvalFigures {
  let nll = 0;
  let exact = 0;
  let steps = 0;
  for (const events of windows) {
    if (events.length < 2) continue;
    const scores = predictor.score(events);
    for (let i = 0; i < scores.logProbs.length; i++) {
      nll -= scores.logProbs[i] ?? 0;
      exact += scores.exact[i] ?? 0;
    }
    steps += scores.logProbs.length;
  }
  return {
    name: predictor.name,
    nllPerStep: steps > 0 ? nll / steps : NaN,
    exactAccuracy: steps > 0 ? exact / steps : NaN,
    steps,
  };
}
