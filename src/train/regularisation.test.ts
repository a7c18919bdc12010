import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { variableNames } from '../model/checkpoint/architecture.js';
import { selectTrainBackend } from './backend.js';
import { DrumNetwork, lstmKernelName, type NetworkShape } from './network.js';
import {
  dropInputEvents,
  dropRecurrentWeights,
  NO_REGULARISATION,
  validDropRate,
  type Regularisation,
} from './regularisation.js';

beforeAll(async () => {
  await selectTrainBackend();
});

const LANES = 3;
const STEPS = 20;
const event = (lane: number, t: number): number => (t * 37 + lane * 101 + ((t >> 3) % 3) * 7) % 500;
const ids = (shift: number, id = event): tf.Tensor1D[] =>
  Array.from({ length: STEPS }, (_, t) =>
    tf.tensor1d(
      Array.from({ length: LANES }, (_, lane) => id(lane, t + shift)),
      'int32',
    ),
  );
const ones = (): tf.Tensor1D[] => Array.from({ length: STEPS }, () => tf.ones([LANES]) as tf.Tensor1D);

function lossOf(net: DrumNetwork, reg?: Regularisation, inputId = event): number {
  return tf.tidy(() => net.loss(ids(0, inputId), ids(1), ones(), reg).dataSync()[0] ?? NaN);
}

/** Random weights give a flat distribution; spread them so every row matters. */
function network(shape: NetworkShape, seed: number): DrumNetwork {
  const net = new DrumNetwork(shape, undefined, seed);
  tf.tidy(() => {
    for (const v of net.variables.values()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + 7)));
  });
  return net;
}

/** A copy of `net` whose weights are `edit`ed (a network as one batch's masks make it). */
function edited(net: DrumNetwork, edit: (name: string, w: tf.Tensor) => tf.Tensor): DrumNetwork {
  const weights = new Map([...net.variables].map(([name, v]) => [name, edit(name, v)]));
  return new DrumNetwork(net.shape, weights);
}

const plain: NetworkShape = { layers: [16, 12], eventCount: 512, counterBits: 6 };
const attention: NetworkShape = { layers: [10, 8, 8], eventCount: 512, counterBits: 6, attentionLength: 4 };

describe.each<[string, NetworkShape]>([
  ['2 layers', plain],
  ['3 layers with attention', attention],
])('training-only regularisers (%s)', (_name, shape) => {
  const kernelName = (layer: number): string => lstmKernelName(layer, shape.attentionLength !== undefined);

  it('at rate 0 the loss is bit-identical to the unregularised loss', () => {
    const net = network(shape, 3);
    expect(lossOf(net, { dropout: 0, weightDrop: 0, inputDrop: 0, seed: 11 })).toBe(lossOf(net));
    expect(lossOf(net, { dropout: 0, weightDrop: 0, inputDrop: 0 })).toBe(lossOf(net, NO_REGULARISATION));
    net.dispose();
  });

  it('above 0 the training loss depends on the seed, and evaluation does not see the option', () => {
    const net = network(shape, 4);
    const evaluation = lossOf(net);
    for (const reg of [
      { dropout: 0, weightDrop: 0.4 },
      { dropout: 0, inputDrop: 0.4 },
    ]) {
      const a = lossOf(net, { ...reg, seed: 1 });
      expect(lossOf(net, { ...reg, seed: 1 })).toBe(a); // seeded masks are reproducible (resume)
      expect(lossOf(net, { ...reg, seed: 2 })).not.toBe(a);
      expect(a).not.toBe(evaluation);
    }
    expect(lossOf(net)).toBe(evaluation); // masking never writes into the weights
    net.dispose();
  });

  it('weight-drop: one mask per batch on the recurrent rows only, scaled, shared by every step', () => {
    const net = network(shape, 5);
    const reg: Regularisation = { dropout: 0, weightDrop: 0.5, seed: 21 };
    // The network that one fixed mask per layer makes: recurrent rows masked and scaled, input rows kept.
    const masked = edited(net, (name, w) => {
      const layer = shape.layers.findIndex((_, l) => kernelName(l) === name);
      if (layer < 0) return w;
      const units = shape.layers[layer] ?? 0;
      const below = (w.shape[0] ?? 0) - units;
      const recurrent = tf.slice(w, [below, 0], [units, 4 * units]) as tf.Tensor2D;
      const mask = dropRecurrentWeights(tf.onesLike(recurrent), reg, layer);
      const scaledValues = new Set(mask.dataSync());
      expect([...scaledValues].sort()).toEqual([0, 2]); // dropped, or kept and scaled by 1 / (1 - 0.5)
      return tf.concat([tf.slice(w, [0, 0], [below, 4 * units]), tf.mul(recurrent, mask)], 0);
    });
    const regularised = lossOf(net, reg);
    expect(regularised).not.toBeCloseTo(lossOf(net), 3);
    // Fresh masks per step (or masks on the input rows) would not match one fixed masked network.
    expect(regularised).toBeCloseTo(lossOf(masked), 5);
    net.dispose();
    masked.dispose();
  });

  it('input-drop: a dropped (step, lane) sees a zero event embedding, a kept one a scaled one; the counter stays', () => {
    const net = network(shape, 6);
    const rate = 0.4;
    const reg: Regularisation = { dropout: 0, inputDrop: rate, seed: 31 };
    // Event 511 gets a zero embedding in both networks: feeding it is what a dropped event must look like.
    const blank = 511;
    const eventKernel = shape.attentionLength === undefined ? kernelName(0) : variableNames.attnInputKernel;
    const zeroBlank = (w: tf.Tensor): tf.Tensor =>
      tf.mul(w, tf.concat([tf.ones([blank, 1]), tf.zeros([1, 1]), tf.ones([(w.shape[0] ?? 0) - blank - 1, 1])], 0));
    const base = edited(net, (name, w) => (name === eventKernel ? zeroBlank(w) : w));
    const scaled = edited(base, (name, w) =>
      name === eventKernel
        ? tf.concat(
            [
              tf.mul(tf.slice(w, [0, 0], [shape.eventCount, -1]), 1 / (1 - rate)),
              tf.slice(w, [shape.eventCount, 0], [-1, -1]),
            ],
            0,
          )
        : w,
    );
    const keptAt = Array.from({ length: STEPS }, (_, t) =>
      dropInputEvents(tf.ones([LANES, 1]) as tf.Tensor2D, reg, t).dataSync(),
    );
    const dropped = keptAt.flatMap((m) => [...m]).filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(STEPS * LANES);
    const replayed = lossOf(scaled, NO_REGULARISATION, (lane, t) =>
      (keptAt[t]?.[lane] ?? 0) > 0 ? event(lane, t) : blank,
    );
    expect(lossOf(base, reg)).toBeCloseTo(replayed, 5);
    for (const n of [net, base, scaled]) n.dispose();
  });
});

describe('locked dropout', () => {
  const zerosAt = (h: tf.Tensor2D): string => [...h.dataSync()].map((v) => (v === 0 ? '0' : '1')).join('');

  it('drops the same units of a lane at every step; plain dropout draws afresh each step', () => {
    const net = network(plain, 8);
    tf.tidy(() => {
      const locked = net.run(ids(0), { dropout: 0.5, lockedDropout: true, seed: 41 }).outputs.map(zerosAt);
      expect(new Set(locked).size).toBe(1);
      const kept = [...(locked[0] ?? '')].filter((c) => c === '1').length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(LANES * 12);
      expect(net.run(ids(0), { dropout: 0.5, lockedDropout: true, seed: 41 }).outputs.map(zerosAt)).toEqual(locked); // seeded: resumable
      expect(new Set(net.run(ids(0), { dropout: 0.5, lockedDropout: true, seed: 42 }).outputs.map(zerosAt)).size).toBe(
        1,
      );
      expect(new Set(net.run(ids(0), { dropout: 0.5 }).outputs.map(zerosAt)).size).toBeGreaterThan(1);
    });
    expect(lossOf(net, { dropout: 0.5, lockedDropout: true, seed: 41 })).toBe(
      lossOf(net, { dropout: 0.5, lockedDropout: true, seed: 41 }),
    );
    net.dispose();
  });
});

describe('AR and TAR', () => {
  it('add alpha times the mean square of the top outputs, and beta times that of their change per step', () => {
    const net = network(plain, 9);
    const { mean, change } = tf.tidy(() => {
      const top = net.run(ids(0)).outputs.map((h) => h.arraySync());
      const squares = top.flat(2).map((v) => v * v);
      const changes = top
        .slice(1)
        .flatMap((h, t) => h.flatMap((row, lane) => row.map((v, u) => v - (top[t]?.[lane]?.[u] ?? 0))));
      return {
        mean: squares.reduce((a, b) => a + b, 0) / squares.length,
        change: changes.reduce((a, v) => a + v * v, 0) / changes.length,
      };
    });
    const plainLoss = lossOf(net);
    expect(mean).toBeGreaterThan(0.001);
    expect(change).toBeGreaterThan(0.001);
    expect(lossOf(net, { dropout: 0, activationReg: 2 }) - plainLoss).toBeCloseTo(2 * mean, 5);
    expect(lossOf(net, { dropout: 0, temporalReg: 3 }) - plainLoss).toBeCloseTo(3 * change, 5);
    expect(lossOf(net, { dropout: 0, activationReg: 2, temporalReg: 3 }) - plainLoss).toBeCloseTo(
      2 * mean + 3 * change,
      5,
    );
    net.dispose();
  });

  it('lossTerms keeps the NLL apart from the penalties, so a run reports the NLL it reached', () => {
    const net = network(plain, 11);
    const reg: Regularisation = { dropout: 0, activationReg: 2, temporalReg: 3 };
    const [nll, penalty] = tf.tidy(() => {
      const terms = net.lossTerms(ids(0), ids(1), ones(), reg);
      return [terms.nll.dataSync()[0] ?? NaN, terms.penalty.dataSync()[0] ?? NaN];
    });
    expect(nll).toBe(lossOf(net));
    expect(penalty).toBeGreaterThan(0.001);
    expect(nll + penalty).toBeCloseTo(lossOf(net, reg), 6);
    net.dispose();
  });

  it('AR sees the outputs after dropout, TAR the outputs before it', () => {
    const net = network(plain, 10);
    const reg: Regularisation = { dropout: 0.5, lockedDropout: true, seed: 5 };
    const base = lossOf(net, reg);
    const { dropped, raw } = tf.tidy(() => {
      const run = net.run(ids(0), reg);
      const meanSquare = (hs: readonly tf.Tensor2D[]): number =>
        tf.mean(tf.square(tf.stack(hs as tf.Tensor2D[]))).dataSync()[0] ?? NaN;
      const before = run.beforeDropout ?? [];
      const changes = before.slice(1).map((h, t) => tf.sub(h, before[t] as tf.Tensor2D) as tf.Tensor2D);
      return { dropped: meanSquare(run.outputs), raw: meanSquare(changes) };
    });
    expect(lossOf(net, { ...reg, activationReg: 1 }) - base).toBeCloseTo(dropped, 5);
    expect(lossOf(net, { ...reg, temporalReg: 1 }) - base).toBeCloseTo(raw, 5);
    net.dispose();
  });
});

describe('validDropRate', () => {
  it('accepts [0, 1) and nothing else', () => {
    expect([0, 0.3, 0.999].every(validDropRate)).toBe(true);
    expect([1, 1.5, -0.1, NaN, Infinity].some(validDropRate)).toBe(false);
  });
});
