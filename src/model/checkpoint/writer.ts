import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestWeight, WeightsManifest } from './manifest.js';
import type { WeightDtype } from './quantize-weights.js';
import { quantizeTensor } from './quantize-weights.js';
import { CONFIG_FILE, MANIFEST_FILE } from './reader.js';

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface CheckpointToWrite {
  /** Written verbatim as config.json. */
  readonly config: Record<string, unknown>;
  readonly tensors: Iterable<TensorToWrite>;
}

export interface WriteOptions {
  /** How to store weights; default float32. */
  readonly dtype?: WeightDtype;
  /** Shard size in bytes; tfjs's default is 4 MiB. */
  readonly shardBytes?: number;
}

export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** The files of a checkpoint, by name, in tfjs's layout (one group, `group1-shardKofN`). */
export function serializeCheckpoint(input: CheckpointToWrite, options: WriteOptions = {}): Map<string, Uint8Array> {
  const dtype = options.dtype ?? 'float32';
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  const weights: ManifestWeight[] = [];
  const parts: Uint8Array[] = [];
  for (const t of input.tensors) {
    const q = quantizeTensor(t.values, dtype);
    weights.push({
      name: t.name,
      shape: [...t.shape],
      dtype: 'float32',
      ...(q.quantization === undefined ? {} : { quantization: q.quantization }),
    });
    parts.push(q.bytes);
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const shardCount = Math.max(1, Math.ceil(total / shardBytes));
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (let s = 0; s < shardCount; s++) {
    const path = `group1-shard${s + 1}of${shardCount}`;
    paths.push(path);
    files.set(path, all.slice(s * shardBytes, Math.min(total, (s + 1) * shardBytes)));
  }
  const manifest: WeightsManifest = [{ paths, weights }];
  const encoder = new TextEncoder();
  files.set(CONFIG_FILE, encoder.encode(JSON.stringify(input.config, null, 2)));
  files.set(MANIFEST_FILE, encoder.encode(JSON.stringify(manifest)));
  return files;
}

export async function writeCheckpoint(
  dir: string,
  input: CheckpointToWrite,
  options: WriteOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of serializeCheckpoint(input, options)) await writeFile(join(dir, name), bytes);
}
