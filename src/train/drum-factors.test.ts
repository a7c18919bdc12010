import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTrainBackend } from './backend.js';
import { DRUM_INPUT_FACTORS, DRUM_OUTPUT_FACTORS, eventDrumBits } from './drum-factors.js';
import { DENSE_WEIGHTS, DrumNetwork, lstmKernelName, type NetworkShape } from './network.js';
import { evaluateNetwork } from './network-eval.js';
import { validateWithEngine } from './engine-validation.js';

beforeAll(async () => {
  await selectTrainBackend();
});

const shape: NetworkShape = { layers: [8, 6], eventCount: 512, counterBits: 6, factoredEvents: true };
const STEPS = 12;
const sequence = Uint16Array.from({ length: STEPS + 1 }, (_, t) => (t * 97 + 5) % 512);
const column = (offset: number): tf.Tensor1D[] =>
  Array.from({ length: STEPS }, (_, t) => tf.tensor1d([sequence[t + offset] ?? 0], 'int32'));

/** A factored network whose free parts are not zero either, so both halves of every row matter. */
function factoredNetwork(): DrumNetwork {
  const net = new DrumNetwork(shape, undefined, 3);
  tf.tidy(() => {
    for (const v of net.variables.values()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', 11)));
  });
  return net;
}

const row = (t: tf.Tensor, r: number): number[] => Array.from(tf.tidy(() => tf.slice(t, [r, 0], [1, -1]).dataSync()));
const col = (t: tf.Tensor, c: number): number[] => Array.from(tf.tidy(() => tf.slice(t, [0, c], [-1, 1]).dataSync()));

describe('factored event rows and columns', () => {
  it('maps each event to its drums by the bit of each class', () => {
    const bits = eventDrumBits(512);
    expect(row(bits, 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row(bits, 0b100000101)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1]);
    bits.dispose();
  });

  it('exports each event row as its own part plus its drums’ rows, and each output column likewise', () => {
    const net = factoredNetwork();
    const exported = net.exportedWeights();
    expect([...exported.keys()]).not.toContain(DRUM_INPUT_FACTORS);
    expect([...exported.keys()]).not.toContain(DRUM_OUTPUT_FACTORS);
    const kernel = exported.get(lstmKernelName(0)) as tf.Tensor;
    expect(kernel.shape).toEqual([512 + 6 + 8, 32]);
    const free = net.variable(lstmKernelName(0));
    const drumRows = net.variable(DRUM_INPUT_FACTORS);
    const kickSnareHat = 0b111;
    const expectedRow = row(free, kickSnareHat).map(
      (x, i) => x + (row(drumRows, 0)[i] ?? 0) + (row(drumRows, 1)[i] ?? 0) + (row(drumRows, 2)[i] ?? 0),
    );
    row(kernel, kickSnareHat).forEach((x, i) => expect(x).toBeCloseTo(expectedRow[i] ?? NaN, 5));
    // The counter and recurrent rows pass through untouched.
    expect(row(kernel, 512 + 3)).toEqual(row(free, 512 + 3));
    const dense = exported.get(DENSE_WEIGHTS) as tf.Tensor;
    const expectedCol = col(net.variable(DENSE_WEIGHTS), 0b10000).map(
      (x, i) => x + (col(net.variable(DRUM_OUTPUT_FACTORS), 4)[i] ?? 0),
    );
    col(dense, 0b10000).forEach((x, i) => expect(x).toBeCloseTo(expectedCol[i] ?? NaN, 5));
    net.dispose();
  });

  it('trains the loss the exported network scores in the engine; the decay adds L2 of the free parts to training only', async () => {
    const net = factoredNetwork();
    const loss = (eventDecay: number): number =>
      tf.tidy(
        () =>
          net
            .loss(
              column(0),
              column(1),
              Array.from({ length: STEPS }, () => tf.ones([1]) as tf.Tensor1D),
              { dropout: 0, eventDecay },
            )
            .dataSync()[0] ?? NaN,
      );
    const plain = loss(0);
    expect(evaluateNetwork(net, [sequence]).nllPerStep).toBeCloseTo(plain, 5);
    expect((await validateWithEngine(net, 'current', [sequence])).nllPerStep).toBeCloseTo(plain, 5);
    const freeSquares = tf.tidy(() => {
      const freeRows = tf.slice(net.variable(lstmKernelName(0)), [0, 0], [512, 32]);
      return tf.add(tf.sum(tf.square(freeRows)), tf.sum(tf.square(net.variable(DENSE_WEIGHTS)))).dataSync()[0] ?? NaN;
    });
    expect(loss(0.01)).toBeCloseTo(plain + 0.01 * freeSquares, 4);
    net.dispose();
  });

  it('from scratch the free parts start at zero; from loaded weights the drum parts do', () => {
    const scratch = new DrumNetwork(shape, undefined, 5);
    const freeRows = tf.tidy(() => tf.slice(scratch.variable(lstmKernelName(0)), [0, 0], [512, 32]));
    expect(freeRows.max().dataSync()[0]).toBe(0);
    expect(scratch.variable(DENSE_WEIGHTS).max().dataSync()[0]).toBe(0);
    expect(scratch.variable(DRUM_INPUT_FACTORS).abs().max().dataSync()[0]).toBeGreaterThan(0);
    const loaded = new Map(
      [...new DrumNetwork({ ...shape, factoredEvents: false }, undefined, 6).variables].map(([k, v]) => [
        k,
        v as tf.Tensor,
      ]),
    );
    const tuned = new DrumNetwork(shape, loaded);
    expect(tuned.variable(DRUM_INPUT_FACTORS).abs().max().dataSync()[0]).toBe(0);
    expect(tuned.variable(DRUM_OUTPUT_FACTORS).abs().max().dataSync()[0]).toBe(0);
    freeRows.dispose();
    scratch.dispose();
    tuned.dispose();
  });
});
