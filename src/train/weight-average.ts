import * as tf from '@tensorflow/tfjs';
import type { DrumNetwork } from './network.js';

/**
 * Exponential moving average of the weights over updates (Polyak averaging, as AWD-LSTM's
 * averaged SGD): validation and the exported model use the average, which sits nearer the centre
 * of the noisy region the optimiser wanders in and generalises better than the last step.
 */
export class WeightAverage {
  /** The averaged weights, in a network of the trained one's shape. */
  readonly net: DrumNetwork;
  private readonly decay: number;

  constructor(average: DrumNetwork, decay: number) {
    if (!(decay > 0 && decay < 1)) throw new Error(`weight average decay must be in (0, 1), got ${decay}`);
    this.net = average;
    this.decay = decay;
  }

  /**
   * Folds in `source` after its update number `updates` (1 for the first). Early on the decay is
   * capped at (1 + n) / (10 + n), as TensorFlow's ExponentialMovingAverage does, so the average
   * does not cling to the weights training started from.
   */
  update(source: DrumNetwork, updates: number): void {
    const decay = Math.min(this.decay, (1 + updates) / (10 + updates));
    tf.tidy(() => {
      for (const [name, average] of this.net.variables) {
        average.assign(tf.add(tf.mul(average, decay), tf.mul(source.variable(name), 1 - decay)));
      }
    });
  }
}
