import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A named weight in magenta-js order. */
export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export type WeightQuantization = 'float32' | 'uint8' | 'uint16';

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8' | 'uint16'; scale: number; min: number };
}

/**
 * Writes a magenta-js checkpoint folder (config.json, weights_manifest.json, one shard).
 * Quantised copies use tfjs's affine scheme (value = q * scale + min, min nudged so that 0.0
 * is exact), which @magenta/music dequantises on load.
 */
export async function writeMagentaCheckpoint(
  dir: string,
  config: unknown,
  weights: readonly NamedWeight[],
  quantization: WeightQuantization = 'float32',
): Promise<{ bytes: number }> {
  await mkdir(dir, { recursive: true });
  const entries: ManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const w of weights) {
    const entry: ManifestEntry = { name: w.name, shape: [...w.shape], dtype: 'float32' };
    if (quantization === 'float32') {
      chunks.push(new Uint8Array(w.values.buffer.slice(w.values.byteOffset, w.values.byteOffset + w.values.byteLength)));
    } else {
      const q = quantizeAffine(w.values, quantization);
      entry.quantization = { dtype: quantization, scale: q.scale, min: q.min };
      chunks.push(new Uint8Array(q.data.buffer));
    }
    entries.push(entry);
  }
  const shardName = 'group1-shard1of1';
  const shard = Buffer.concat(chunks);
  await writeFile(join(dir, shardName), shard);
  await writeFile(join(dir, 'weights_manifest.json'), JSON.stringify([{ paths: [shardName], weights: entries }], null, 2));
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return { bytes: shard.length };
}

/** tfjs-converter's affine quantisation of one tensor. */
export function quantizeAffine(
  values: Float32Array,
  dtype: 'uint8' | 'uint16',
): { data: Uint8Array | Uint16Array; scale: number; min: number } {
  const qMax = dtype === 'uint8' ? 255 : 65535;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? (hi - lo) / qMax : 1;
  const min = -Math.round(-lo / scale) * scale;
  const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round(((values[i] ?? 0) - min) / scale);
    data[i] = Math.min(qMax, Math.max(0, q));
  }
  return { data, scale, min };
}

/** What a quantised weight decodes to, for measuring what quantisation costs. */
export function dequantize(data: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) * scale + min;
  return out;
}
