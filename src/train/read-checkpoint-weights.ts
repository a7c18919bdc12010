import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/** Thrown when a model folder cannot be used as a starting point for training. */
export class CheckpointReadError extends Error {
  override readonly name = 'CheckpointReadError';
  constructor(
    readonly dir: string,
    detail: string,
  ) {
    super(`${dir}: ${detail}`);
  }
}

/**
 * Reads a magenta-js checkpoint folder's weights as float tensors (quantised weights are
 * dequantised), for `--from`. Returns the config too, so the caller can check the architecture.
 */
export async function readCheckpointWeights(dir: string): Promise<{ config: unknown; weights: Map<string, tf.Tensor> }> {
  let manifest: { paths: string[]; weights: ManifestWeight[] }[];
  let config: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'weights_manifest.json'), 'utf8')) as typeof manifest;
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as unknown;
  } catch (err) {
    throw new CheckpointReadError(dir, `not a magenta-js checkpoint (${(err as Error).message})`);
  }
  const weights = new Map<string, tf.Tensor>();
  for (const group of manifest) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      let values: Float32Array;
      if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
        const width = q.dtype === 'uint8' ? 1 : 2;
        const raw = bytes.subarray(offset, offset + count * width);
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) {
          const v = width === 1 ? (raw[i] ?? 0) : raw.readUInt16LE(i * 2);
          values[i] = v * (q.scale ?? 1) + (q.min ?? 0);
        }
        offset += count * width;
      } else if (q === undefined && w.dtype === 'float32') {
        values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
        offset += count * 4;
      } else {
        throw new CheckpointReadError(dir, `weight ${w.name}: ${q?.dtype ?? w.dtype} is not supported for training`);
      }
      if (offset > bytes.length) throw new CheckpointReadError(dir, `shards end before weight ${w.name}`);
      weights.set(w.name, tf.tensor(values, w.shape));
    }
  }
  return { config, weights };
}
