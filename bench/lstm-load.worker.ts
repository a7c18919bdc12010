/**
 * Stand-in for the engine generating: a drum_kit_rnn-sized step (input 518 = 512 one-hot
 * drum classes + 6 counter bits, 3 LSTM layers of 256, 512-way softmax) as plain float32
 * matrix-vector loops, run back to back until told to stop. The engine branch had no LSTM
 * kernel yet when this was written; the arithmetic (about 2 M multiply-adds a step) and the
 * memory footprint (8 MB of weights, larger than L2 cache) are what matter to the clock.
 */
import { parentPort, workerData } from 'node:worker_threads';

const stopFlag = new Int32Array((workerData as { stop: SharedArrayBuffer }).stop);
const input = 518;
const hidden = 256;
const layers = [input + hidden, 2 * hidden, 2 * hidden].map((inDim) => ({
  weights: Float32Array.from({ length: inDim * 4 * hidden }, () => Math.random() * 0.02 - 0.01),
  inDim,
  h: new Float32Array(hidden),
  c: new Float32Array(hidden),
}));
const logitsW = Float32Array.from({ length: hidden * 512 }, () => Math.random() * 0.02 - 0.01);
const gates = new Float32Array(4 * hidden);
const x = new Float32Array(input + hidden);
const logits = new Float32Array(512);
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

let steps = 0;
const started = performance.now();
while (Atomics.load(stopFlag, 0) === 0) {
  let source = new Float32Array(input);
  source[steps % input] = 1;
  for (const layer of layers) {
    x.set(source, 0);
    x.set(layer.h, layer.inDim - hidden);
    for (let g = 0; g < 4 * hidden; g++) {
      let sum = 0;
      const row = g * layer.inDim;
      for (let i = 0; i < layer.inDim; i++) sum += (layer.weights[row + i] ?? 0) * (x[i] ?? 0);
      gates[g] = sum;
    }
    for (let j = 0; j < hidden; j++) {
      const c = sigmoid(gates[hidden + j] ?? 0) * (layer.c[j] ?? 0) + sigmoid(gates[j] ?? 0) * Math.tanh(gates[2 * hidden + j] ?? 0);
      layer.c[j] = c;
      layer.h[j] = sigmoid(gates[3 * hidden + j] ?? 0) * Math.tanh(c);
    }
    source = layer.h;
  }
  for (let o = 0; o < 512; o++) {
    let sum = 0;
    for (let j = 0; j < hidden; j++) sum += (logitsW[o * hidden + j] ?? 0) * (source[j] ?? 0);
    logits[o] = sum;
  }
  steps++;
}
parentPort?.postMessage({ steps, msPerStep: (performance.now() - started) / Math.max(1, steps) });
