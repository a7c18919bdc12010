import type { Kernels, PackedMatrix } from '../kernels.js';
import { jsFloatKernels } from '../js-float-kernels.js';
import { KERNELS_WASM_BASE64 } from './kernels-binary.js';
import { MATVEC_GROUP_COLUMNS as GROUP } from './kernel-layout.js';

export type WasmPrecision = 'int8' | 'float32';

interface Exports {
  mv_i8(w: number, pairs: number, groups: number, x: number, scales: number, xscale: number, out: number): void;
  mv_i8_bn(
    w: number,
    pairs: number,
    groups: number,
    x: number,
    xstride: number,
    n: number,
    scales: number,
    xscales: number,
    out: number,
    ostride: number,
  ): void;
  mv_f32(w: number, rows: number, groups: number, x: number, out: number): void;
  mv_f32_bn(
    w: number,
    rows: number,
    groups: number,
    x: number,
    xstride: number,
    n: number,
    out: number,
    ostride: number,
  ): void;
  quantize_x(x: number, n: number, out: number, xmax: number): number;
  add_f32(y: number, src: number, n: number): void;
  add_row_i8(row: number, scales: number, scale: number, y: number, n: number): void;
  add_row_f32(row: number, scale: number, y: number, n: number): void;
  lstm_gates(g: number, c: number, h: number, units: number): void;
  attention_scores(feat: number, q: number, v: number, count: number, size: number, out: number): void;
  weighted_sum(rows: number, weights: number, count: number, size: number, out: number): void;
}

interface Segment {
  readonly rows: number;
  /** Packed for matvec, or row-major for addRow (one-hot inputs). */
  readonly layout: 'packed' | 'rows';
  readonly ptr: number;
  /** int8: per-column scales (padded to the group width). */
  readonly scales: number;
}

interface WasmMatrix extends PackedMatrix {
  readonly parts: readonly Segment[];
  readonly groups: number;
}

/** The slice of the WebAssembly API used here (tsconfig's ES2022 lib does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
function kernelModule(): object {
  compiled ??= new WA.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

/** Whether this runtime has WebAssembly SIMD (Node 16.4+ does). */
export function wasmSimdAvailable(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

/** Memory a model needs on these kernels, generously: weights, scales, activations. */
export function wasmCapacityFor(parameterCount: number, precision: WasmPrecision): number {
  return Math.ceil(parameterCount * (precision === 'int8' ? 1.15 : 4.3)) + 4 * 1024 * 1024;
}

/** Vectors one batched kernel call takes (larger batches are split). */
export const KERNEL_BATCH = 8;

export class KernelMemoryError extends Error {
  override readonly name = 'KernelMemoryError';
}

/**
 * WebAssembly SIMD kernels over one fixed-size memory per model (never grown, so the
 * Float32Array views handed out stay valid). int8: weights 8-bit with one scale per output
 * column (symmetric, finer than tfjs's per-tensor uint8), activations quantised per call to
 * int16, products summed in int32 by `i32x4.dot_i16x8_s`. float32: the same layout in float.
 */
export function wasmKernels(precision: WasmPrecision, capacityBytes: number): Kernels {
  const pages = Math.ceil(capacityBytes / 65536);
  const memory = new WA.Memory({ initial: pages, maximum: pages });
  const wasm = new WA.Instance(kernelModule(), { env: { memory } }).exports as unknown as Exports;
  const heap = memory.buffer;
  let top = 16;
  const reserve = (bytes: number): number => {
    const ptr = top;
    top = (top + bytes + 15) & ~15;
    if (top > heap.byteLength) throw new KernelMemoryError(`kernel memory of ${heap.byteLength} bytes is full`);
    return ptr;
  };
  const f32 = new Float32Array(heap);
  const i8 = new Int8Array(heap);
  let scratch = 0;
  let scratchBytes = 0;
  let xStage = 0;
  let xStageBytes = 0;
  let staging = 0;
  const xscales = reserve(4 * KERNEL_BATCH);
  const ensureScratch = (cols: number, rows: number): void => {
    // Sized at pack time for a full batch: inference never allocates.
    const outBytes = Math.ceil(cols / GROUP) * GROUP * 4;
    if (outBytes > scratchBytes) [scratch, scratchBytes] = [reserve(KERNEL_BATCH * outBytes), outBytes];
    // int8: int16 activation pairs; float32: a copy of the activations.
    const xBytes = (precision === 'int8' ? Math.ceil(rows / 2) * 4 : rows * 4) + 16;
    if (xBytes > xStageBytes) [xStage, xStageBytes] = [reserve(KERNEL_BATCH * xBytes), xBytes];
    if (staging === 0) staging = reserve(4 * 4096);
  };
  const ptrOf = (a: Float32Array, n: number): number => {
    if (a.buffer === heap) return a.byteOffset;
    if (n > 4096) throw new KernelMemoryError('vector from outside kernel memory is too long to stage');
    f32.set(a.subarray(0, n), staging / 4);
    return staging;
  };

  function packSegment(
    values: Float32Array,
    cols: number,
    start: number,
    end: number,
    layout: 'packed' | 'rows',
  ): Segment {
    const rows = end - start;
    const groups = Math.ceil(cols / GROUP);
    const paddedCols = groups * GROUP;
    const at = (r: number, c: number): number => (r < end && c < cols ? (values[r * cols + c] ?? 0) : 0);
    if (precision === 'float32') {
      if (layout === 'rows') {
        const ptr = reserve(rows * cols * 4);
        f32.set(values.subarray(start * cols, end * cols), ptr / 4);
        return { rows, layout, ptr, scales: 0 };
      }
      const ptr = reserve(groups * rows * GROUP * 4);
      let o = ptr / 4;
      for (let g = 0; g < groups; g++)
        for (let r = start; r < end; r++) for (let c = 0; c < GROUP; c++) f32[o++] = at(r, g * GROUP + c);
      return { rows, layout, ptr, scales: 0 };
    }
    return packInt8(values, cols, start, end, layout, paddedCols);
  }

  /**
   * int8: one scale per column (its largest magnitude over the segment's rows / 127), each
   * weight rounded to a multiple of it. Packed for mv_i8: per group of GROUP columns, per
   * pair of rows, the pair's two int8 weights side by side for each column. Plain loops
   * over the row-major source, one pass for the scales and one for the weights (load time
   * is on the path to READY); padding (columns past `cols`, the odd row) stays 0, as
   * kernel memory starts zeroed and is never reused.
   */
  function packInt8(
    values: Float32Array,
    cols: number,
    start: number,
    end: number,
    layout: 'packed' | 'rows',
    paddedCols: number,
  ): Segment {
    const rows = end - start;
    const scales = reserve(paddedCols * 4);
    const max = new Float64Array(cols);
    for (let r = start; r < end; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const a = Math.abs(values[base + c] ?? 0);
        if (a > (max[c] ?? 0)) max[c] = a;
      }
    }
    const inv = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const m = max[c] ?? 0;
      f32[scales / 4 + c] = m / 127;
      inv[c] = m === 0 ? 0 : 127 / m;
    }
    if (layout === 'rows') {
      const ptr = reserve(rows * cols);
      for (let r = start; r < end; r++) {
        const from = r * cols;
        const to = ptr + (r - start) * cols;
        for (let c = 0; c < cols; c++) i8[to + c] = Math.round((values[from + c] ?? 0) * (inv[c] ?? 0));
      }
      return { rows, layout, ptr, scales };
    }
    const pairs = Math.ceil(rows / 2);
    const groupBytes = pairs * 2 * GROUP;
    const ptr = reserve((paddedCols / GROUP) * groupBytes);
    // Column c's byte within a row's place: its group's block, then 2 bytes per column.
    const colAt = new Int32Array(cols);
    for (let c = 0; c < cols; c++) colAt[c] = Math.floor(c / GROUP) * groupBytes + 2 * (c % GROUP);
    for (let r = start; r < end; r++) {
      const from = r * cols;
      // Row r's place: its pair's 2 * GROUP bytes, then its side of the pair.
      const rowAt = ptr + ((r - start) >> 1) * 2 * GROUP + ((r - start) & 1);
      for (let c = 0; c < cols; c++) i8[rowAt + (colAt[c] ?? 0)] = Math.round((values[from + c] ?? 0) * (inv[c] ?? 0));
    }
    return { rows, layout, ptr, scales };
  }

  const asWasm = (m: PackedMatrix): WasmMatrix => m as WasmMatrix;
  /** y += scratch; y may live outside kernel memory (a caller's logits buffer). */
  const addInto = (y: Float32Array, cols: number, from = scratch): void => {
    if (y.buffer === heap) {
      wasm.add_f32(y.byteOffset, from, cols);
      return;
    }
    const base = from / 4;
    for (let j = 0; j < cols; j++) y[j] = (y[j] ?? 0) + (f32[base + j] ?? 0);
  };
  const inHeap = (...arrays: Float32Array[]): void => {
    for (const a of arrays) if (a.buffer !== heap) throw new KernelMemoryError('internal: buffer not from alloc()');
  };
  // Sizes the SIMD loops cannot take (attention sizes not a multiple of 4) run in plain JS.
  const fallback = jsFloatKernels();
  return {
    name: `wasm-simd-${precision}`,
    alloc(length) {
      const ptr = reserve(Math.ceil(length / 4) * 16 + 16);
      return new Float32Array(heap, ptr, length);
    },
    pack(values, rows, cols, segments = [0, rows], rowSegments = []) {
      const parts: Segment[] = [];
      let bytes = 0;
      for (let s = 0; s + 1 < segments.length; s++) {
        const start = segments[s] ?? 0;
        const end = segments[s + 1] ?? rows;
        const layout = rowSegments.includes(s) ? 'rows' : 'packed';
        const before = top;
        parts.push(packSegment(values, cols, start, end, layout));
        bytes += top - before;
        ensureScratch(cols, end - start);
      }
      return { rows, cols, segments, bytes, parts, groups: Math.ceil(cols / GROUP) } satisfies WasmMatrix;
    },
    matvec(m, segment, x, y) {
      const { parts, groups, cols } = asWasm(m);
      const part = parts[segment];
      if (part === undefined || part.rows === 0) return;
      if (part.layout !== 'packed') throw new Error(`internal: segment ${segment} was packed for addRow`);
      const xp = ptrOf(x, part.rows);
      if (precision === 'int8') {
        // Largest activation code that cannot overflow the int32 sums: |x| * 127 * rows < 2^31.
        const xmax = Math.min(32767, Math.floor(2147483647 / (127 * (part.rows + 1))));
        const xscale = wasm.quantize_x(xp, part.rows, xStage, xmax);
        if (xscale === 0) return;
        wasm.mv_i8(part.ptr, Math.ceil(part.rows / 2), groups, xStage, part.scales, xscale, scratch);
      } else {
        wasm.mv_f32(part.ptr, part.rows, groups, xp, scratch);
      }
      addInto(y, cols);
    },
    matvecBatch(m, segment, xs, ys) {
      const { parts, groups, cols } = asWasm(m);
      const part = parts[segment];
      if (part === undefined || part.rows === 0) return;
      if (part.layout !== 'packed') throw new Error(`internal: segment ${segment} was packed for addRow`);
      if (xs.length !== ys.length) throw new Error(`internal: ${xs.length} inputs for ${ys.length} outputs`);
      const rows = part.rows;
      for (let from = 0; from < xs.length; from += KERNEL_BATCH) {
        const n = Math.min(KERNEL_BATCH, xs.length - from);
        if (n === 1) {
          // One vector: the batch-1 kernel's wider strips are faster.
          const [x, y] = [xs[from], ys[from]];
          if (x !== undefined && y !== undefined) this.matvec(m, segment, x, y);
          continue;
        }
        const x = (i: number): Float32Array => xs[from + i] ?? new Float32Array(0);
        if (precision === 'int8') {
          const xmax = Math.min(32767, Math.floor(2147483647 / (127 * (rows + 1))));
          for (let i = 0; i < n; i++)
            f32[xscales / 4 + i] = wasm.quantize_x(ptrOf(x(i), rows), rows, xStage + i * xStageBytes, xmax);
          wasm.mv_i8_bn(
            part.ptr,
            Math.ceil(rows / 2),
            groups,
            xStage,
            xStageBytes,
            n,
            part.scales,
            xscales,
            scratch,
            scratchBytes,
          );
        } else {
          for (let i = 0; i < n; i++) f32.set(x(i).subarray(0, rows), (xStage + i * xStageBytes) / 4);
          wasm.mv_f32_bn(part.ptr, rows, groups, xStage, xStageBytes, n, scratch, scratchBytes);
        }
        for (let i = 0; i < n; i++) {
          const y = ys[from + i];
          // As matvec: an all-zero int8 activation adds nothing (not even -0 + 0).
          if (y !== undefined && (precision === 'float32' || f32[xscales / 4 + i] !== 0))
            addInto(y, cols, scratch + i * scratchBytes);
        }
      }
    },
    addRow(m, row, scale, y) {
      const { parts, segments, cols } = asWasm(m);
      const s = segments.findIndex((start, i) => row >= start && row < (segments[i + 1] ?? -1));
      const part = parts[s];
      if (part === undefined || part.layout !== 'rows') throw new Error(`internal: row ${row} is not in a row segment`);
      const r = row - (segments[s] ?? 0);
      const target = y.buffer === heap ? y.byteOffset : scratch;
      if (y.buffer !== heap) f32.fill(0, scratch / 4, scratch / 4 + cols);
      if (precision === 'int8') wasm.add_row_i8(part.ptr + r * cols, part.scales, scale, target, cols);
      else wasm.add_row_f32(part.ptr + r * cols * 4, scale, target, cols);
      if (y.buffer !== heap) addInto(y, cols);
    },
    lstmGates(gates, c, h) {
      inHeap(gates, c, h);
      wasm.lstm_gates(gates.byteOffset, c.byteOffset, h.byteOffset, c.length);
    },
    attentionScores(features, query, v, count, scores) {
      if (query.length % 4 !== 0 || count === 0) {
        fallback.attentionScores(features, query, v, count, scores);
        return;
      }
      inHeap(features, query, v, scores);
      wasm.attention_scores(
        features.byteOffset,
        query.byteOffset,
        v.byteOffset,
        count,
        query.length,
        scores.byteOffset,
      );
    },
    weightedSum(rows, weights, count, out) {
      out.fill(0);
      if (out.length % 4 !== 0 || count === 0) {
        fallback.weightedSum(rows, weights, count, out);
        return;
      }
      inHeap(rows, weights, out);
      wasm.weighted_sum(rows.byteOffset, weights.byteOffset, count, out.length, out.byteOffset);
    },
  };
}
