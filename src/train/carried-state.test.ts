import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTrainBackend } from './backend.js';
import { DrumNetwork, type NetworkShape, type RecurrentState } from './network.js';
import { NO_REGULARISATION } from './regularisation.js';

beforeAll(async () => {
  await selectTrainBackend();
});

const events = (lane: number, t: number): number => (t * 37 + lane * 101 + ((t >> 4) % 3) * 7) % 512;
const ids = (from: number, steps: number, shift: number): tf.Tensor1D[] =>
  Array.from({ length: steps }, (_, t) =>
    tf.tensor1d([events(0, from + t + shift), events(1, from + t + shift)], 'int32'),
  );
const ones = (steps: number): tf.Tensor1D[] => Array.from({ length: steps }, () => tf.ones([2]) as tf.Tensor1D);

/** Mean loss over [from, from + steps) starting from `initial`, and the state after it. */
function crop(
  net: DrumNetwork,
  from: number,
  steps: number,
  initial: RecurrentState,
): { loss: number; final: RecurrentState } {
  let final: RecurrentState = [];
  const loss = tf.tidy(
    () =>
      net
        .loss(ids(from, steps, 0), ids(from, steps, 1), ones(steps), NO_REGULARISATION, {
          initial,
          keepFinal: (s) => (final = s),
        })
        .dataSync()[0] ?? NaN,
  );
  return { loss, final };
}

describe.each<[string, NetworkShape]>([
  ['2 layers', { layers: [24, 16], eventCount: 512, counterBits: 6 }],
  ['3 layers with attention', { layers: [16, 16, 12], eventCount: 512, counterBits: 6, attentionLength: 8 }],
])('carried state (%s)', (_name, shape) => {
  it('two 64-step crops with the state carried compute exactly one 128-step sequence', () => {
    const net = new DrumNetwork(shape, undefined, 4);
    const whole = tf.tidy(() => net.loss(ids(0, 128, 0), ids(0, 128, 1), ones(128)).dataSync()[0] ?? NaN);
    const first = crop(net, 0, 64, net.zeroState(2));
    const second = crop(net, 64, 64, first.final);
    expect((first.loss + second.loss) / 2).toBeCloseTo(whole, 5);
    // Without the carry the second half starts differently: its state a few steps in shows it.
    const warm = crop(net, 64, 4, first.final);
    const cold = crop(net, 64, 4, net.zeroState(2));
    const gap = tf.tidy(
      () => tf.max(tf.abs(tf.sub(cold.final[0] as tf.Tensor2D, warm.final[0] as tf.Tensor2D))).dataSync()[0] ?? 0,
    );
    expect(gap).toBeGreaterThan(1e-3);
    for (const t of [...first.final, ...second.final, ...warm.final, ...cold.final]) t.dispose();
    net.dispose();
  });
});
