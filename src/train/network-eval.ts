import * as tf from '@tensorflow/tfjs';
import { binaryCounter } from '../model/encoding/binary-counter.js';
import type { EvalFigures } from '../eval/step-predictor.js';
import {
  DENSE_BIASES,
  DENSE_WEIGHTS,
  lstmBiasName,
  lstmKernelName,
  type DrumNetwork,
  type NetworkShape,
} from './network.js';

const FORGET_BIAS = 1.0;

/**
 * NLL per step and exact-event accuracy of the network over whole windows, each run from zero
 * state from its first step (as the engine runs a phrase). All windows advance together one
 * step at a time, so memory stays bounded however long a window is.
 */
export function evaluateNetwork(net: DrumNetwork, windows: readonly Uint16Array[], name = 'model'): EvalFigures {
  if (net.shape.attentionLength !== undefined)
    throw new Error('evaluateNetwork runs attention-free stacks; use validateWithEngine');
  // Similar lengths batched together: padding a short window to the longest one wastes compute.
  const sorted = windows.filter((w) => w.length >= 2).sort((a, b) => b.length - a.length);
  let nll = 0;
  let exact = 0;
  let steps = 0;
  // The weights as exported: a factored network is scored through its summed rows, as the box runs it.
  const weights = net.exportedWeights();
  const matrix = (name: string): tf.Tensor2D => weights.get(name) as tf.Tensor2D;
  try {
    for (let i = 0; i < sorted.length; i += EVAL_GROUP) {
      const part = evaluateGroup(net.shape, matrix, sorted.slice(i, i + EVAL_GROUP));
      nll += part.nll;
      exact += part.exact;
      steps += part.steps;
    }
  } finally {
    net.releaseExportedWeights(weights);
  }
  return { name, nllPerStep: steps > 0 ? nll / steps : NaN, exactAccuracy: steps > 0 ? exact / steps : NaN, steps };
}

const EVAL_GROUP = 24;

function evaluateGroup(
  shape: NetworkShape,
  matrix: (name: string) => tf.Tensor2D,
  live: readonly Uint16Array[],
): { nll: number; exact: number; steps: number } {
  const batch = live.length;
  if (batch === 0) return { nll: 0, exact: 0, steps: 0 };
  const maxLen = Math.max(...live.map((w) => w.length));
  const { layers, eventCount, counterBits } = shape;
  const kernels = layers.map((_, l) => matrix(lstmKernelName(l)));
  const biases = layers.map((_, l) => matrix(lstmBiasName(l)));
  const dense = matrix(DENSE_WEIGHTS);
  const denseBias = matrix(DENSE_BIASES);
  let h = layers.map((u) => tf.zeros([batch, u]) as tf.Tensor2D);
  let c = layers.map((u) => tf.zeros([batch, u]) as tf.Tensor2D);
  let nll = 0;
  let exact = 0;
  let steps = 0;
  // Layer 0's one-hot rows are a gather; the counter and recurrent rows a small matMul.
  const units0 = layers[0] ?? 0;
  const eventRows = tf.slice(kernels[0] as tf.Tensor2D, [0, 0], [eventCount, 4 * units0]);
  const restRows = tf.slice(kernels[0] as tf.Tensor2D, [eventCount, 0], [counterBits + units0, 4 * units0]);
  for (let t = 0; t + 1 < maxLen; t++) {
    const counter = binaryCounter(t, counterBits);
    const ids = new Int32Array(batch);
    const targets = new Int32Array(batch);
    const mask = new Float32Array(batch);
    live.forEach((w, b) => {
      ids[b] = w[t] ?? 0;
      if (t + 1 < w.length) {
        targets[b] = w[t + 1] ?? 0;
        mask[b] = 1;
      }
    });
    const [newH, newC, logProbs, argmax] = tf.tidy(() => {
      let x: tf.Tensor2D = tf.tile(tf.tensor2d(counter, [1, counterBits]), [batch, 1]);
      const hs: tf.Tensor2D[] = [];
      const cs: tf.Tensor2D[] = [];
      layers.forEach((_, l) => {
        const recurrentInput = tf.concat([x, h[l] as tf.Tensor2D], 1);
        const projected =
          l === 0
            ? tf.add(tf.gather(eventRows, tf.tensor1d(ids, 'int32')), tf.matMul(recurrentInput, restRows))
            : tf.matMul(recurrentInput, kernels[l] as tf.Tensor2D);
        const gates = tf.add(projected, biases[l] as tf.Tensor);
        const [i, j, f, o] = tf.split(gates, 4, 1) as tf.Tensor2D[] as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        const cNew = tf.add(
          tf.mul(tf.sigmoid(i), tf.tanh(j)),
          tf.mul(c[l] as tf.Tensor2D, tf.sigmoid(tf.add(f, FORGET_BIAS))),
        ) as tf.Tensor2D;
        const hNew = tf.mul(tf.tanh(cNew), tf.sigmoid(o)) as tf.Tensor2D;
        hs.push(hNew);
        cs.push(cNew);
        x = hNew;
      });
      const logits = tf.add(tf.matMul(x, dense), denseBias) as tf.Tensor2D;
      const lp = tf.logSoftmax(logits);
      const picked = tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(targets, 'int32'), eventCount)), 1);
      return [hs, cs, picked.dataSync(), tf.argMax(logits, 1).dataSync()] as const;
    });
    h.forEach((x) => x.dispose());
    c.forEach((x) => x.dispose());
    h = newH;
    c = newC;
    for (let b = 0; b < batch; b++) {
      if (mask[b] === 0) continue;
      nll -= logProbs[b] ?? 0;
      if (argmax[b] === targets[b]) exact++;
      steps++;
    }
  }
  h.forEach((x) => x.dispose());
  c.forEach((x) => x.dispose());
  eventRows.dispose();
  restRows.dispose();
  return { nll, exact, steps };
}
