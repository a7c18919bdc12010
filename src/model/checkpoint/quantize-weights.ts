import { float16ToFloat32 as halfToFloat, float32ToFloat16 } from './float16.js';
import type { Quantization, StoredDtype } from './manifest.js';
import { affineOf } from './manifest.js';

export type WeightDtype = StoredDtype;

export interface QuantizedTensor {
  readonly bytes: Uint8Array;
  readonly quantization?: Quantization;
}

/** numpy's np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * tfjs-converter's affine range: scale spreads [min, max] over the integer range, then min is
 * nudged so that 0.0 lands exactly on an integer (only when 0 is inside the range).
 */
export function affineRange(min: number, max: number, quantMax: number): { scale: number; min: number; max: number } {
  const scale = (max - min) / quantMax;
  if (min <= 0 && 0 <= max) {
    const nudgedMin = -roundHalfEven(-min / scale) * scale;
    return { scale, min: nudgedMin, max: quantMax * scale + nudgedMin };
  }
  return { scale, min, max };
}

/** Stores float32 values as `dtype` with tfjs-converter's semantics. */
export function quantizeTensor(values: Float32Array, dtype: WeightDtype): QuantizedTensor {
  if (dtype === 'float32') {
    return { bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  }
  if (dtype === 'float16') {
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16(values[i] ?? 0);
    return { bytes: new Uint8Array(halves.buffer), quantization: { dtype: 'float16' } };
  }
  const quantMax = dtype === 'uint8' ? 255 : 65535;
  const ints = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0 || lo === hi) {
    // One value only: every integer is 0 and min carries it, as tfjs does.
    const min = values.length === 0 ? 0 : lo;
    return { bytes: new Uint8Array(ints.buffer), quantization: { dtype, scale: 1, min } };
  }
  const range = affineRange(lo, hi, quantMax);
  for (let i = 0; i < values.length; i++) {
    const clipped = Math.min(range.max, Math.max(range.min, values[i] ?? 0));
    ints[i] = Math.min(quantMax, roundHalfEven((clipped - range.min) / range.scale));
  }
  return { bytes: new Uint8Array(ints.buffer), quantization: { dtype, scale: range.scale, min: range.min } };
}

/** What tfjs reads back: `q * scale + min` in float32 (float16 widened). */
export function dequantizedCopy(values: Float32Array, dtype: WeightDtype): Float32Array {
  const q = quantizeTensor(values, dtype);
  if (dtype === 'float32') return values.slice();
  const out = new Float32Array(values.length);
  if (dtype === 'float16') {
    const halves = new Uint16Array(q.bytes.buffer, q.bytes.byteOffset, values.length);
    return Float32Array.from(halves, (h) => halfToFloat(h));
  }
  const ints = dtype === 'uint8' ? q.bytes : new Uint16Array(q.bytes.buffer, q.bytes.byteOffset, values.length);
  const { scale, min } = affineOf(q.quantization);
  for (let i = 0; i < values.length; i++) out[i] = (ints[i] ?? 0) * scale + min;
  return out;
}
