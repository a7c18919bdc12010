import { wasmKernels } from './wasm/wasm-kernels.js';

/**
 * `a · b[0:inner]` for row-major a `[rows, inner]` and b `[>= inner, cols]`: folds the attention
 * wrapper's input projection into layer 0's kernel at load time. Runs on a temporary float32
 * SIMD kernel instance (774 x 518 x 1024 multiply-adds take ~25 ms there, ~1 s in plain JS).
 */
export function foldProjection(
  a: Float32Array,
  rows: number,
  inner: number,
  b: Float32Array,
  cols: number,
): Float32Array {
  const k = wasmKernels('float32', inner * cols * 4 + 4 * (inner + 2 * cols) * 4 + (1 << 20));
  const m = k.pack(b.subarray(0, inner * cols), inner, cols);
  const x = k.alloc(inner);
  const y = k.alloc(cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    x.set(a.subarray(r * inner, (r + 1) * inner));
    y.fill(0);
    k.matvec(m, 0, x, y);
    out.set(y, r * cols);
  }
  return out;
}
