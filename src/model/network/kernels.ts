/**
 * The dense-algebra seam of the network: a weight matrix `[rows, cols]` (tf layout, y = x·W)
 * packed once at load time, and the two products a MusicRNN step needs. Implementations: plain
 * float32 JS (the reference) and WebAssembly SIMD int8 (weights 8-bit in memory).
 */
export interface PackedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row boundaries the matrix was packed with (matvec works on one segment). */
  readonly segments: readonly number[];
  /** Bytes the packed weights take in memory. */
  readonly bytes: number;
}

export interface Kernels {
  readonly name: string;
  /**
   * An activation buffer. Kernels may require their inputs and outputs to come from here
   * (WebAssembly memory); buffers stay valid for the kernels' lifetime.
   */
  alloc(length: number): Float32Array;
  /**
   * Packs `values` (row-major `[rows, cols]`). `segments` are ascending row boundaries from 0
   * to rows: a segment is the unit `matvec` multiplies, so inputs fed separately (one-hot
   * events, aux bits, recurrent state) can be skipped or summed without copying.
   */
  pack(
    values: Float32Array,
    rows: number,
    cols: number,
    segments?: readonly number[],
    /** Indices of segments only ever used by `addRow` (kept row-major, never matvec'd). */
    rowSegments?: readonly number[],
  ): PackedMatrix;
  /** `y[j] += sum_r x[r] * W[segStart + r, j]`, x of the segment's length, y of `cols`. */
  matvec(m: PackedMatrix, segment: number, x: Float32Array, y: Float32Array): void;
  /** `matvec` for several (x, y) pairs; faster than one by one where weights are reused. */
  matvecBatch(m: PackedMatrix, segment: number, xs: readonly Float32Array[], ys: readonly Float32Array[]): void;
  /** `y[j] += scale * W[row, j]`: the product with a one-hot (or ±1) input. */
  addRow(m: PackedMatrix, row: number, scale: number, y: Float32Array): void;
  /** h' = tanh(c') * sigmoid(o), c' = sigmoid(i) tanh(j) + c sigmoid(f + 1), gates i,j,f,o. */
  lstmGates(gates: Float32Array, c: Float32Array, h: Float32Array): void;
  /** scores[k] = sum_j v[j] tanh(features[k, j] + query[j]) for k < count. */
  attentionScores(
    features: Float32Array,
    query: Float32Array,
    v: Float32Array,
    count: number,
    scores: Float32Array,
  ): void;
  /** out = sum_k weights[k] * rows[k, :] for k < count, rows of out.length. */
  weightedSum(rows: Float32Array, weights: Float32Array, count: number, out: Float32Array): void;
}
