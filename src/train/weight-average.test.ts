import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTrainBackend } from './backend.js';
import { DENSE_BIASES, DrumNetwork, type NetworkShape } from './network.js';
import { WeightAverage } from './weight-average.js';

beforeAll(async () => {
  await selectTrainBackend();
});

const shape: NetworkShape = { layers: [4], eventCount: 512, counterBits: 6 };
const biasOf = (net: DrumNetwork): number => net.variable(DENSE_BIASES).dataSync()[0] ?? NaN;

describe('WeightAverage', () => {
  it('moves towards the trained weights by 1 - decay per update, with the decay capped early on', () => {
    const trained = new DrumNetwork(shape, undefined, 2);
    const average = new WeightAverage(new DrumNetwork(shape, undefined, 2), 0.9);
    let expected = 0;
    for (let n = 1; n <= 30; n++) {
      trained.variable(DENSE_BIASES).assign(tf.fill([512], n));
      average.update(trained, n);
      const decay = Math.min(0.9, (1 + n) / (10 + n));
      expected = decay * expected + (1 - decay) * n;
    }
    expect(biasOf(average.net)).toBeCloseTo(expected, 3);
    // Capped early: after 30 updates a plain 0.9 average would still carry 4% of the start.
    expect(biasOf(average.net)).toBeGreaterThan(20);
    expect(biasOf(average.net)).toBeLessThan(30);
    trained.dispose();
    average.net.dispose();
  });

  it('refuses a decay outside (0, 1)', () => {
    const net = new DrumNetwork(shape);
    expect(() => new WeightAverage(net, 1)).toThrow(/decay must be in \(0, 1\), got 1/);
    net.dispose();
  });
});
