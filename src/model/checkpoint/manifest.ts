import { arrayAt, integerAt, numberAt, objectAt, oneOf, optional, stringAt, type JsonPath } from './json-shape.js';

/** tfjs's quantization of one weight: affine uint8/uint16, or float16 (other fields kept). */
export type Quantization =
  | { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number }
  | { readonly dtype: 'float16'; readonly [key: string]: unknown };

export interface ManifestWeight {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly quantization?: Quantization;
}

/** tfjs `weights_manifest.json`: groups of weights laid end to end across a group's shards. */
export type WeightsManifest = { readonly paths: string[]; readonly weights: ManifestWeight[] }[];

function quantizationAt(v: unknown, path: JsonPath): Quantization {
  const o = objectAt(v, path);
  const dtype = oneOf(o['dtype'], [...path, 'dtype'], ['uint8', 'uint16', 'float16']);
  if (dtype === 'float16') return { ...o, dtype };
  return { dtype, scale: numberAt(o['scale'], [...path, 'scale']), min: numberAt(o['min'], [...path, 'min']) };
}

function weightAt(v: unknown, path: JsonPath): ManifestWeight {
  const o = objectAt(v, path);
  const quantization = optional(o['quantization'], (q) => quantizationAt(q, [...path, 'quantization']));
  return {
    name: stringAt(o['name'], [...path, 'name'], 1),
    shape: arrayAt(o['shape'], [...path, 'shape']).map((d, i) => integerAt(d, [...path, 'shape', i], 0)),
    dtype: stringAt(o['dtype'], [...path, 'dtype']),
    ...(quantization === undefined ? {} : { quantization }),
  };
}

/** Checks a parsed weights_manifest.json; a problem throws a JsonShapeError naming where it is. */
export function parseManifest(json: unknown): WeightsManifest {
  return arrayAt(json, []).map((g, i) => {
    const group = objectAt(g, [i]);
    return {
      paths: arrayAt(group['paths'], [i, 'paths'], 1).map((p, j) => stringAt(p, [i, 'paths', j], 1)),
      weights: arrayAt(group['weights'], [i, 'weights']).map((w, j) => weightAt(w, [i, 'weights', j])),
    };
  });
}

/** How a tensor is stored on disk. */
export type StoredDtype = 'float32' | 'uint8' | 'uint16' | 'float16';

export function storedDtypeOf(weight: ManifestWeight): StoredDtype | undefined {
  if (weight.quantization !== undefined) return weight.quantization.dtype;
  return weight.dtype === 'float32' ? 'float32' : undefined;
}

export function bytesPerElement(dtype: StoredDtype): number {
  return dtype === 'float32' ? 4 : dtype === 'uint8' ? 1 : 2;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The affine parameters of a uint8/uint16 tensor; identity otherwise. */
export function affineOf(q: Quantization | undefined): { scale: number; min: number } {
  if (q !== undefined && (q.dtype === 'uint8' || q.dtype === 'uint16')) return { scale: q.scale, min: q.min };
  return { scale: 1, min: 0 };
}
