import type { Kernels, PackedMatrix } from './kernels.js';

interface JsMatrix extends PackedMatrix {
  readonly values: Float32Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The float32 reference: weights as loaded, row-major, plain loops. Zero inputs are skipped,
 * which is exact and makes sparse inputs cheap.
 */
export function jsFloatKernels(): Kernels {
  const asJs = (m: PackedMatrix): JsMatrix => m as JsMatrix;
  const kernels: Kernels = {
    name: 'js-float32',
    alloc: (length) => new Float32Array(length),
    pack(values, rows, cols, segments = [0, rows]) {
      return { rows, cols, segments, bytes: rows * cols * 4, values: values.slice(0, rows * cols) } satisfies JsMatrix;
    },
    matvec(m, segment, x, y) {
      const { values, cols } = asJs(m);
      const start = m.segments[segment] ?? 0;
      const end = m.segments[segment + 1] ?? m.rows;
      for (let r = start; r < end; r++) {
        const xr = x[r - start] ?? 0;
        if (xr === 0) continue;
        const base = r * cols;
        for (let j = 0; j < cols; j++) y[j] = (y[j] ?? 0) + xr * (values[base + j] ?? 0);
      }
    },
    matvecBatch(m, segment, xs, ys) {
      xs.forEach((x, b) => {
        const y = ys[b];
        if (y !== undefined) kernels.matvec(m, segment, x, y);
      });
    },
    addRow(m, row, scale, y) {
      const { values, cols } = asJs(m);
      const base = row * cols;
      for (let j = 0; j < cols; j++) y[j] = (y[j] ?? 0) + scale * (values[base + j] ?? 0);
    },
    lstmGates(gates, c, h) {
      const units = c.length;
      for (let u = 0; u < units; u++) {
        const i = gates[u] ?? 0;
        const j = gates[units + u] ?? 0;
        const f = gates[2 * units + u] ?? 0;
        const o = gates[3 * units + u] ?? 0;
        const next = sigmoid(i) * Math.tanh(j) + (c[u] ?? 0) * sigmoid(f + 1);
        c[u] = next;
        h[u] = Math.tanh(next) * sigmoid(o);
      }
    },
    attentionScores(features, query, v, count, scores) {
      const size = query.length;
      for (let k = 0; k < count; k++) {
        let s = 0;
        for (let j = 0; j < size; j++) s += (v[j] ?? 0) * Math.tanh((features[k * size + j] ?? 0) + (query[j] ?? 0));
        scores[k] = s;
      }
    },
    weightedSum(rows, weights, count, out) {
      const size = out.length;
      out.fill(0);
      for (let k = 0; k < count; k++) {
        const w = weights[k] ?? 0;
        for (let j = 0; j < size; j++) out[j] = (out[j] ?? 0) + w * (rows[k * size + j] ?? 0);
      }
    },
  };
  return kernels;
}
