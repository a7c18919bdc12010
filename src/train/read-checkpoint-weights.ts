import * as tf from '@tensorflow/tfjs';
import { readCheckpoint } from '../model/checkpoint/reader.js';
import { openCheckpointSource } from '../model/checkpoint/source.js';
import type { ModelConfig } from '../model/checkpoint/config.js';

/**
 * A checkpoint's weights as float tensors (quantised ones widened as tfjs widens them), for
 * `--from` and for scoring exported models. Reading goes through the engine's checkpoint
 * reader, so a file the box would reject is rejected here with the same typed error.
 */
export async function readCheckpointWeights(
  dir: string,
): Promise<{ config: ModelConfig; weights: Map<string, tf.Tensor> }> {
  const checkpoint = await readCheckpoint(openCheckpointSource(dir));
  const weights = new Map<string, tf.Tensor>();
  for (const [name, t] of checkpoint.tensors) weights.set(name, tf.tensor(t.values, [...t.shape]));
  return { config: checkpoint.config, weights };
}
