import type { MusicRnn } from '../model/music-rnn.js';
import type { StepPredictor, StepScores } from './step-predictor.js';

/**
 * Scores windows with the on-device engine (the kernels the box runs), each window fed from a
 * fresh state at bar position 0, exactly as a phrase is fed on stage. `scale` multiplies the
 * logits (1 / a softmax temperature).
 */
export function enginePredictor(model: MusicRnn, name: string, scale = 1): StepPredictor {
  return {
    name,
    score(events: Uint16Array): StepScores {
      const n = Math.max(0, events.length - 1);
      const logProbs = new Float64Array(n);
      const exact = new Uint8Array(n);
      const state = model.newState(0);
      for (let t = 0; t < n; t++) {
        model.feed(state, events[t] ?? 0);
        const target = events[t + 1] ?? 0;
        const { logProb, argmax } = logSoftmaxAt(state.logits, target, scale);
        logProbs[t] = logProb;
        exact[t] = argmax === target ? 1 : 0;
      }
      return { logProbs, exact };
    },
  };
}

/** ln softmax(scale * logits)[target] computed stably, and the argmax. */
export function logSoftmaxAt(logits: Float32Array, target: number, scale = 1): { logProb: number; argmax: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = scale * (logits[i] ?? -Infinity);
    if (v > max) {
      max = v;
      argmax = i;
    }
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(scale * (logits[i] ?? -Infinity) - max);
  return { logProb: scale * (logits[target] ?? -Infinity) - max - Math.log(sum), argmax };
}
