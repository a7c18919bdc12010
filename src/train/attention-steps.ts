import * as tf from '@tensorflow/tfjs';
import { variableNames } from '../model/checkpoint/architecture.js';
import { binaryCounter } from '../model/encoding/binary-counter.js';
import type { DrumNetwork, NetworkShape, RecurrentState } from './network.js';
import { gatherRows, matMul } from './tf-ops.js';
import { dropInputEvents, dropRecurrentWeights, type Regularisation } from './regularisation.js';

const FORGET_BIAS = 1.0;

/** The attention wrapper's variables (names and shapes as magenta-js loads them). */
export function attentionVariables(
  shape: NetworkShape,
): { name: string; shape: number[]; fanIn: number; fanOut: number }[] {
  const input = shape.eventCount + shape.counterBits;
  const size = shape.layers[shape.layers.length - 1] ?? 0;
  const query = shape.layers.reduce((a, u) => a + 2 * u, 0);
  return [
    { name: variableNames.attnInputKernel, shape: [input + size, input], fanIn: input + size, fanOut: input },
    { name: variableNames.attnInputBias, shape: [input], fanIn: 0, fanOut: 0 },
    { name: variableNames.attnW, shape: [1, 1, size, size], fanIn: size, fanOut: size },
    { name: variableNames.attnV, shape: [size], fanIn: 0, fanOut: 0 },
    { name: variableNames.attnQueryKernel, shape: [query, size], fanIn: query, fanOut: size },
    // magenta-js leaves this bias out of the query; it is kept so the checkpoint stays complete.
    { name: variableNames.attnQueryBias, shape: [size], fanIn: 0, fanOut: 0 },
    { name: variableNames.attnOutputKernel, shape: [size + size, size], fanIn: 2 * size, fanOut: size },
    { name: variableNames.attnOutputBias, shape: [size], fanIn: 0, fanOut: 0 },
  ];
}

/**
 * The stack wrapped in magenta-js's attention (attention.ts), step by step: project [x, read]
 * to the input width, run every layer, query with all (c, h), attend over the last `length`
 * outputs, and emit `[h_last, read] · Wo + bo`, which also enters the window.
 */
export function attentionStepOutputs(
  net: DrumNetwork,
  inputs: readonly tf.Tensor1D[],
  reg: Regularisation,
  initial: RecurrentState,
): { outputs: tf.Tensor2D[]; final: tf.Tensor2D[] } {
  const { layers, eventCount, counterBits, attentionLength = 0 } = net.shape;
  const batch = inputs[0]?.shape[0] ?? 0;
  const size = layers[layers.length - 1] ?? 0;
  const inputKernel = net.matrix(variableNames.attnInputKernel);
  const eventRows = tf.slice(inputKernel, [0, 0], [eventCount, eventCount + counterBits]);
  const restRows = tf.slice(inputKernel, [eventCount, 0], [counterBits + size, eventCount + counterBits]);
  const inputBias = net.variable(variableNames.attnInputBias);
  const attnW = tf.reshape(net.variable(variableNames.attnW), [size, size]) as tf.Tensor2D;
  const attnV = net.variable(variableNames.attnV);
  const queryKernel = net.matrix(variableNames.attnQueryKernel);
  const outKernel = net.matrix(variableNames.attnOutputKernel);
  const outBias = net.variable(variableNames.attnOutputBias);
  const dropout = reg.dropout;
  // Each cell's kernel takes [x, h]; weight-drop masks its h rows once for the whole batch.
  const kernels = layers.map((units, l) => {
    const kernel = net.matrix(variableNames.cellKernel('rnn/attention_cell_wrapper/', l));
    if ((reg.weightDrop ?? 0) <= 0) return kernel;
    const below = (kernel.shape[0] ?? 0) - units;
    const recurrent = dropRecurrentWeights(tf.slice(kernel, [below, 0], [units, 4 * units]), reg, l);
    return tf.concat([tf.slice(kernel, [0, 0], [below, 4 * units]), recurrent], 0) as tf.Tensor2D;
  });
  const biases = layers.map((_, l) => net.variable(variableNames.cellBias('rnn/attention_cell_wrapper/', l)));
  // The layout of RecurrentState: h per layer, c per layer, read, window outputs, window features.
  const n = layers.length;
  let h = initial.slice(0, n);
  let c = initial.slice(n, 2 * n);
  let read = initial[2 * n] as tf.Tensor2D;
  const windowStates = initial.slice(2 * n + 1, 2 * n + 1 + attentionLength);
  const windowFeatures = initial.slice(2 * n + 1 + attentionLength);
  const outputs: tf.Tensor2D[] = [];
  inputs.forEach((ids, t) => {
    const counter = tf.tile(tf.tensor2d(binaryCounter(t, counterBits), [1, counterBits]), [batch, 1]);
    let x = tf.add(
      tf.add(dropInputEvents(gatherRows(eventRows, ids), reg, t), matMul(tf.concat([counter, read], 1), restRows)),
      inputBias,
    ) as tf.Tensor2D;
    const nextH: tf.Tensor2D[] = [];
    const nextC: tf.Tensor2D[] = [];
    layers.forEach((_units, l) => {
      const gates = tf.add(
        matMul(tf.concat([x, h[l] as tf.Tensor2D], 1), kernels[l] as tf.Tensor2D),
        biases[l] as tf.Tensor,
      );
      const [i, j, f, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const cl = tf.add(
        tf.mul(tf.sigmoid(i), tf.tanh(j)),
        tf.mul(c[l] as tf.Tensor2D, tf.sigmoid(tf.add(f, FORGET_BIAS))),
      ) as tf.Tensor2D;
      const hl = tf.mul(tf.tanh(cl), tf.sigmoid(o)) as tf.Tensor2D;
      nextC.push(cl);
      nextH.push(hl);
      x = dropout > 0 ? (tf.dropout(hl, dropout) as tf.Tensor2D) : hl;
    });
    h = nextH;
    c = nextC;
    const query = matMul(
      tf.concat(
        layers.flatMap((_, l) => [c[l] as tf.Tensor2D, h[l] as tf.Tensor2D]),
        1,
      ),
      queryKernel,
    );
    const features = tf.stack(windowFeatures, 1) as tf.Tensor3D;
    const scores = tf.sum(tf.mul(tf.tanh(tf.add(features, tf.expandDims(query, 1))), attnV), 2);
    const weights = tf.softmax(scores);
    read = tf.sum(tf.mul(tf.expandDims(weights, 2), tf.stack(windowStates, 1)), 1) as tf.Tensor2D;
    const out = tf.add(matMul(tf.concat([x, read], 1), outKernel), outBias) as tf.Tensor2D;
    windowStates.shift();
    windowStates.push(out);
    windowFeatures.shift();
    windowFeatures.push(matMul(out, attnW));
    outputs.push(out);
  });
  return { outputs, final: [...h, ...c, read, ...windowStates, ...windowFeatures] };
}
