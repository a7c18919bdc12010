import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../util/seeded-random.js';
import { jsFloatKernels } from './js-float-kernels.js';
import type { Kernels } from './kernels.js';
import { wasmKernels } from './wasm/wasm-kernels.js';

const rng = new SeededRandom(5);
const random = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => rng.nextSigned() * scale);
const reference = jsFloatKernels();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe.each([
  ['float32', 1e-5],
  ['int8', 2e-2],
] as const)('wasm %s kernels agree with the float32 reference', (precision, tolerance) => {
  const k: Kernels = wasmKernels(precision, 8 * 1024 * 1024);
  const copy = (a: Float32Array): Float32Array => {
    const b = k.alloc(a.length);
    b.set(a);
    return b;
  };

  it.each([
    [7, 5],
    [64, 32],
    [263, 1030],
    [518, 518],
  ])('matvec and addRow, %i x %i, odd sizes padded', (rows, cols) => {
    const w = random(rows * cols, 0.2);
    const segments = [0, 3, rows];
    const mr = reference.pack(w, rows, cols, segments, [0]);
    const mk = k.pack(w, rows, cols, segments, [0]);
    const x = random(rows - 3);
    const yr = random(cols);
    const yk = copy(yr);
    reference.matvec(mr, 1, x, yr);
    k.matvec(mk, 1, copy(x), yk);
    reference.addRow(mr, 2, -1, yr);
    k.addRow(mk, 2, -1, yk);
    const scale = Math.max(...yr.map(Math.abs));
    expect(maxAbsDiff(yr, yk) / scale).toBeLessThan(tolerance);
  });

  it.each([1, 2, 3, 4, 5, 8, 9, 31])('matvecBatch of %i vectors equals one matvec per vector, bit for bit', (n) => {
    for (const [rows, cols] of [
      [101, 70],
      [64, 32],
      [3, 513],
    ] as const) {
      const m = k.pack(random(rows * cols, 0.3), rows, cols);
      const xs = Array.from({ length: n }, (_, b) => (b === 2 ? k.alloc(rows) : copy(random(rows)))); // one all-zero input
      // Outputs start non-zero; every fourth lives outside kernel memory (a caller's logits).
      const start = xs.map(() => random(cols));
      const place = (y: Float32Array, b: number): Float32Array => (b % 4 === 3 ? y.slice() : copy(y));
      const batched = start.map(place);
      const single = start.map(place);
      k.matvecBatch(m, 0, xs, batched);
      xs.forEach((x, b) => k.matvec(m, 0, x, single[b] ?? new Float32Array(0)));
      batched.forEach((y, b) => expect([...y]).toEqual([...(single[b] ?? [])]));
      expect(batched.some((y, b) => maxAbsDiff(y, start[b] ?? []) > 0)).toBe(true);
    }
  });

  it('LSTM gates', () => {
    const units = 10;
    const gates = random(4 * units, 4);
    const [cr, hr] = [random(units), new Float32Array(units)];
    const [ck, hk] = [copy(cr), k.alloc(units)];
    reference.lstmGates(gates, cr, hr);
    k.lstmGates(copy(gates), ck, hk);
    expect(maxAbsDiff(cr, ck)).toBeLessThan(1e-6);
    expect(maxAbsDiff(hr, hk)).toBeLessThan(1e-6);
  });

  it('attention scores and weighted sum', () => {
    const [count, size] = [5, 12];
    const feats = random(count * size, 2);
    const q = random(size, 2);
    const v = random(size);
    const sr = new Float32Array(count);
    const sk = k.alloc(count);
    reference.attentionScores(feats, q, v, count, sr);
    k.attentionScores(copy(feats), copy(q), copy(v), count, sk);
    expect(maxAbsDiff(sr, sk)).toBeLessThan(1e-5);
    const or = new Float32Array(size);
    const ok = k.alloc(size);
    reference.weightedSum(feats, sr, count, or);
    k.weightedSum(copy(feats), copy(sr), count, ok);
    expect(maxAbsDiff(or, ok)).toBeLessThan(1e-5);
  });
});
