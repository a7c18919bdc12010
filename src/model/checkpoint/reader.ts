import type { ModelConfig } from './config.js';
import { parseModelConfig } from './config.js';
import {
  MalformedFileError,
  MissingFileError,
  NonFiniteWeightError,
  OversizedShardError,
  TruncatedShardError,
  UnreadableFileError,
  UnsupportedDtypeError,
} from './errors.js';
import { float16ToFloat32 } from './float16.js';
import type { ManifestWeight, StoredDtype, WeightsManifest } from './manifest.js';
import { affineOf, bytesPerElement, elementCount, parseManifest, storedDtypeOf } from './manifest.js';
import { JsonShapeError } from './json-shape.js';
import type { CheckpointSource } from './source.js';
import { errorMessage } from '../../util/error-message.js';

export const CONFIG_FILE = 'config.json';
export const MANIFEST_FILE = 'weights_manifest.json';

/** One variable, widened to float32 exactly as tfjs does on load. */
export interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
  /** How it was stored on disk. */
  readonly stored: StoredDtype;
  /** The shard its first byte sits in. */
  readonly file: string;
}

export interface Checkpoint {
  readonly location: string;
  readonly config: ModelConfig;
  /** config.json exactly as read, unknown fields included, for rewriting. */
  readonly rawConfig: Record<string, unknown>;
  readonly tensors: ReadonlyMap<string, WeightTensor>;
  /** Bytes of all shards. */
  readonly storedBytes: number;
}

/** Reads a file; I/O failures (permissions, network) become an UnreadableFileError. */
async function readBytes(source: CheckpointSource, file: string): Promise<Uint8Array | undefined> {
  try {
    return await source.read(file);
  } catch (err) {
    throw new UnreadableFileError(`cannot be read from ${source.location}: ${errorMessage(err)}`, file);
  }
}

async function readJson<T>(source: CheckpointSource, file: string, parse: (json: unknown) => T): Promise<[T, unknown]> {
  const bytes = await readBytes(source, file);
  if (bytes === undefined) throw new MissingFileError(`not found in ${source.location}`, file);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new MalformedFileError(`not valid JSON (${errorMessage(err)})`, file);
  }
  try {
    return [parse(json), json];
  } catch (err) {
    if (!(err instanceof JsonShapeError)) throw err;
    throw new MalformedFileError(`does not match the expected format: ${err.message}`, file);
  }
}

function decodeValues(bytes: Uint8Array, weight: ManifestWeight, dtype: StoredDtype): Float32Array {
  const n = elementCount(weight.shape);
  const q = weight.quantization;
  const out = new Float32Array(n);
  if (dtype === 'uint8') {
    // Bytes need no alignment: read them where they lie.
    const { scale, min } = affineOf(q);
    for (let i = 0; i < n; i++) out[i] = (bytes[i] ?? 0) * scale + min;
    return out;
  }
  // Copy first: shard offsets need not be aligned for wider typed-array views.
  const aligned = bytes.slice().buffer;
  if (dtype === 'float32') return new Float32Array(aligned, 0, n);
  if (dtype === 'float16') {
    const halves = new Uint16Array(aligned, 0, n);
    for (let i = 0; i < n; i++) out[i] = float16ToFloat32(halves[i] ?? 0);
    return out;
  }
  const { scale, min } = affineOf(q);
  const ints = new Uint16Array(aligned, 0, n);
  for (let i = 0; i < n; i++) out[i] = (ints[i] ?? 0) * scale + min;
  return out;
}

/** Index of the first NaN or infinity, or -1 (a plain loop: this runs over every weight at load). */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Reads one manifest group: its shards end to end, cut into tensors in manifest order. */
async function readGroup(
  source: CheckpointSource,
  group: WeightsManifest[number],
  into: Map<string, WeightTensor>,
): Promise<number> {
  const shards: Uint8Array[] = [];
  for (const path of group.paths) {
    const bytes = await readBytes(source, path);
    if (bytes === undefined) throw new MissingFileError(`shard not found in ${source.location}`, path);
    shards.push(bytes);
  }
  const ends: number[] = [];
  let total = 0;
  for (const s of shards) ends.push((total += s.length));
  // One shard (the usual case) is used as read; several are laid end to end.
  const all = shards.length === 1 && shards[0] ? shards[0] : new Uint8Array(total);
  if (all !== shards[0]) shards.forEach((s, i) => all.set(s, (ends[i] ?? 0) - s.length));
  const shardAt = (offset: number): string =>
    group.paths[
      Math.max(
        0,
        ends.findIndex((e) => offset < e),
      )
    ] ?? '?';
  const lastShard = group.paths[group.paths.length - 1] ?? '?';

  let offset = 0;
  for (const weight of group.weights) {
    const dtype = storedDtypeOf(weight);
    if (dtype === undefined) {
      throw new UnsupportedDtypeError(`dtype ${weight.dtype} is not supported`, MANIFEST_FILE, weight.name);
    }
    const size = elementCount(weight.shape) * bytesPerElement(dtype);
    if (offset + size > total) {
      throw new TruncatedShardError(
        `needs bytes ${offset}..${offset + size} of the group but its shards hold ${total}`,
        lastShard,
        weight.name,
      );
    }
    const file = shardAt(offset);
    const values = decodeValues(all.subarray(offset, offset + size), weight, dtype);
    const bad = firstNonFinite(values);
    if (bad >= 0) {
      throw new NonFiniteWeightError(`value ${values[bad]} at element ${bad}`, file, weight.name);
    }
    into.set(weight.name, { name: weight.name, shape: weight.shape, values, stored: dtype, file });
    offset += size;
  }
  if (offset < total) {
    throw new OversizedShardError(
      `${total - offset} bytes beyond the last tensor: the manifest does not describe these shards`,
      lastShard,
    );
  }
  return total;
}

/**
 * Loads and checks a magenta-js checkpoint. Every problem becomes a `CheckpointError` naming the
 * file and tensor; nothing here throws anything else for bad content.
 */
export async function readCheckpoint(source: CheckpointSource): Promise<Checkpoint> {
  const [config, rawConfig] = await readJson(source, CONFIG_FILE, parseModelConfig);
  const [manifest] = await readJson(source, MANIFEST_FILE, parseManifest);
  const tensors = new Map<string, WeightTensor>();
  let storedBytes = 0;
  for (const group of manifest) storedBytes += await readGroup(source, group, tensors);
  return {
    location: source.location,
    config,
    rawConfig: rawConfig as Record<string, unknown>,
    tensors,
    storedBytes,
  };
}
