import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTrainBackend } from './backend.js';
import { validateWithEngine } from './engine-validation.js';
import { DrumNetwork } from './network.js';

beforeAll(async () => {
  await selectTrainBackend();
});

describe('attention wrapper in the trainer', () => {
  it('trains with the same numbers the engine (magenta-js maths) computes', { timeout: 60_000 }, async () => {
    const net = new DrumNetwork(
      { layers: [12, 10, 8], eventCount: 512, counterBits: 6, attentionLength: 4 },
      undefined,
      3,
    );
    // Random weights give a flat distribution; move them so attention and every layer matter.
    tf.tidy(() => {
      for (const v of net.variables.values()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 9)));
    });
    const w = Uint16Array.from({ length: 40 }, (_, t) => [5, 0, 4, 1, 6, 0, 4, 0, 130, 2][t % 10] ?? 0);
    const steps = w.length - 1;
    const col = (t: number) => tf.tensor1d([w[t] ?? 0], 'int32');
    const loss = tf.tidy(
      () =>
        net
          .loss(
            Array.from({ length: steps }, (_, t) => col(t)),
            Array.from({ length: steps }, (_, t) => col(t + 1)),
            Array.from({ length: steps }, () => tf.ones([1]) as tf.Tensor1D),
          )
          .dataSync()[0] ?? NaN,
    );
    const engine = await validateWithEngine(net, 'current', [w]);
    expect(engine.nllPerStep).toBeCloseTo(loss, 4);
    expect(loss).toBeGreaterThan(0.5);

    const opt = tf.train.adam(0.01);
    const ids = (off: number) => Array.from({ length: steps }, (_, t) => col(t + off));
    const masks = Array.from({ length: steps }, () => tf.ones([1]) as tf.Tensor1D);
    for (let i = 0; i < 5; i++) opt.minimize(() => net.loss(ids(0), ids(1), masks), false, [...net.variables.values()]);
    const after = await validateWithEngine(net, 'current', [w]);
    expect(after.nllPerStep).toBeLessThan(engine.nllPerStep); // gradients flow through attention
    net.dispose();
  });
});
