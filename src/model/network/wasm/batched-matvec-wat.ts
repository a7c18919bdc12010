/**
 * WebAssembly text of the batched matrix-vector kernels: `n` activation vectors against one pass
 * over the weights (beam branches, batched steps). Same packed layouts as the batch-1 kernels
 * (see kernels-wat.ts). Each 32-column group is walked as four 8-column strips; in a strip,
 * every weight load serves four vectors (8 accumulators: 4 vectors x 2 four-column chunks, all
 * in registers), and the quads of vectors follow one another over the strip while its weights
 * are still in L1, so the weights come from L2/L3 once per call however large `n` is. The last
 * 1-3 vectors take a narrower copy of the same loop.
 *
 * Each column's products are summed in the same order as the batch-1 kernels (int32 sums, or
 * float adds row by row), so a batched result equals the unbatched one bit for bit.
 */
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const QUAD = 4;
/** Four-column chunks per strip. */
const CHUNKS = 2;

interface Flavour {
  readonly name: string;
  /** Bytes of one weight unit (int8: a row pair, float32: a row) across a 32-column group. */
  readonly unitBytes: number;
  /** Bytes of one four-column chunk within a unit. */
  readonly chunkBytes: number;
  /** Activation bytes per unit (int8: two int16, float32: one float). */
  readonly xBytes: number;
  readonly zero: string;
  loadChunk(offset: number): string;
  accumulate(acc: string, w: string): string;
  /** The finished accumulator of vector `b`, chunk `k`, as f32x4. */
  result(acc: string, b: number, k: number): string;
  /** Statements run once per strip, before its vectors (int8: the strip's column scales). */
  readonly stripSetup: string;
  /** int8: outputs are scaled by per-column and per-vector scales. */
  readonly scaled: boolean;
}

const int8: Flavour = {
  name: 'mv_i8_bn',
  unitBytes: 64,
  chunkBytes: 8,
  xBytes: 4,
  zero: '(v128.const i32x4 0 0 0 0)',
  loadChunk: (offset) => `(v128.load8x8_s offset=${offset} (local.get $wp))`,
  accumulate: (acc, w) => `(i32x4.add (local.get ${acc}) (i32x4.dot_i16x8_s (local.get ${w}) (local.get $xs)))`,
  // As mv_i8: sum * (column scale * activation scale).
  result: (acc, b, k) =>
    `(f32x4.mul (f32x4.convert_i32x4_s (local.get ${acc})) (f32x4.mul (local.get $s${k}) (v128.load32_splat offset=${4 * b} (local.get $sxp))))`,
  stripSetup: `(local.set $s0 (v128.load (i32.add (local.get $scales) (i32.shl (local.get $sub) (i32.const 5)))))
        (local.set $s1 (v128.load offset=16 (i32.add (local.get $scales) (i32.shl (local.get $sub) (i32.const 5)))))`,
  scaled: true,
};

const float32: Flavour = {
  name: 'mv_f32_bn',
  unitBytes: 128,
  chunkBytes: 16,
  xBytes: 4,
  zero: '(v128.const f32x4 0 0 0 0)',
  loadChunk: (offset) => `(v128.load offset=${offset} (local.get $wp))`,
  // As mv_f32: acc + w * x, no fused multiply-add.
  accumulate: (acc, w) => `(f32x4.add (local.get ${acc}) (f32x4.mul (local.get ${w}) (local.get $xs)))`,
  result: (acc) => `(local.get ${acc})`,
  stripSetup: '',
  scaled: false,
};

const acc = (b: number, k: number): string => `$a${b}${k}`;
const xAt = (b: number): string => (b === 0 ? '(local.get $xp)' : `(i32.add (local.get $xp) (local.get $xo${b}))`);
const outAt = (b: number): string => (b === 0 ? '(local.get $ob)' : `(i32.add (local.get $ob) (local.get $oo${b}))`);

/** One strip for `count` vectors starting at $xb / $ob / $sxp. */
function stripBody(f: Flavour, count: number): string {
  const vectors = range(count);
  const chunks = range(CHUNKS);
  return `${vectors.flatMap((b) => chunks.map((k) => `(local.set ${acc(b, k)} ${f.zero})`)).join('\n          ')}
          (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $sub) (i32.const ${CHUNKS * f.chunkBytes}))))
          (local.set $xp (local.get $xb))
          (local.set $u (local.get $units))
          (loop $unit
            ${chunks.map((k) => `(local.set $w${k} ${f.loadChunk(k * f.chunkBytes)})`).join('\n            ')}
            ${vectors
              .map(
                (b) => `(local.set $xs (v128.load32_splat ${xAt(b)}))
            ${chunks.map((k) => `(local.set ${acc(b, k)} ${f.accumulate(acc(b, k), `$w${k}`)})`).join('\n            ')}`,
              )
              .join('\n            ')}
            (local.set $wp (i32.add (local.get $wp) (i32.const ${f.unitBytes})))
            (local.set $xp (i32.add (local.get $xp) (i32.const ${f.xBytes})))
            (br_if $unit (local.tee $u (i32.sub (local.get $u) (i32.const 1)))))
          ${vectors
            .flatMap((b) => chunks.map((k) => `(v128.store offset=${16 * k} ${outAt(b)} ${f.result(acc(b, k), b, k)})`))
            .join('\n          ')}`;
}

/**
 * (w, units, groups, x, xstride, n, [scales, xscales,] out, ostride): vector b's activations
 * at x + b*xstride, its 32-column-padded output at out + b*ostride (overwritten, not added).
 */
function batchedMatvec(f: Flavour): string {
  const locals = [
    '(local $sub i32) (local $u i32) (local $wp i32) (local $xp i32) (local $xb i32) (local $ob i32) (local $left i32)',
    range(QUAD - 1)
      .map((i) => `(local $xo${i + 1} i32) (local $oo${i + 1} i32)`)
      .join(' '),
    '(local $xs v128)',
    range(CHUNKS)
      .map((k) => `(local $w${k} v128)`)
      .join(' '),
    range(QUAD)
      .flatMap((b) => range(CHUNKS).map((k) => `(local ${acc(b, k)} v128)`))
      .join(' '),
    f.scaled ? '(local $s0 v128) (local $s1 v128) (local $sxp i32)' : '',
  ].join('\n    ');
  const advance = (
    count: number,
  ): string => `(local.set $xb (i32.add (local.get $xb) (i32.mul (local.get $xstride) (i32.const ${count}))))
          (local.set $ob (i32.add (local.get $ob) (i32.mul (local.get $ostride) (i32.const ${count}))))
          ${f.scaled ? `(local.set $sxp (i32.add (local.get $sxp) (i32.const ${4 * count})))` : ''}`;
  const setSxp = f.scaled ? '(local.set $sxp (local.get $xscales))' : '';
  return `
  (func (export "${f.name}") (param $w i32) (param $units i32) (param $groups i32) (param $x i32) (param $xstride i32) (param $n i32)
        ${f.scaled ? '(param $scales i32) (param $xscales i32)' : ''} (param $out i32) (param $ostride i32)
    ${locals}
    ${range(QUAD - 1)
      .map(
        (i) => `(local.set $xo${i + 1} (i32.mul (local.get $xstride) (i32.const ${i + 1})))
    (local.set $oo${i + 1} (i32.mul (local.get $ostride) (i32.const ${i + 1})))`,
      )
      .join('\n    ')}
    (loop $group
      (local.set $sub (i32.const 0))
      (loop $strip
        ${f.stripSetup}
        (local.set $xb (local.get $x))
        (local.set $ob (i32.add (local.get $out) (i32.shl (local.get $sub) (i32.const 5))))
        ${setSxp}
        (local.set $left (local.get $n))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.lt_u (local.get $left) (i32.const ${QUAD})))
          ${stripBody(f, QUAD)}
          ${advance(QUAD)}
            (local.set $left (i32.sub (local.get $left) (i32.const ${QUAD})))
            (br $quad)))
        ${range(QUAD - 1)
          .map((r) => r + 1)
          .map(
            (r) => `(if (i32.eq (local.get $left) (i32.const ${r})) (then
          ${stripBody(f, r)}))`,
          )
          .join('\n        ')}
        (br_if $strip (i32.lt_u (local.tee $sub (i32.add (local.get $sub) (i32.const 1))) (i32.const ${32 / (4 * CHUNKS)}))))
      (local.set $w (i32.add (local.get $w) (i32.mul (local.get $units) (i32.const ${f.unitBytes}))))
      ${f.scaled ? '(local.set $scales (i32.add (local.get $scales) (i32.const 128)))' : ''}
      (local.set $out (i32.add (local.get $out) (i32.const 128)))
      (br_if $group (local.tee $groups (i32.sub (local.get $groups) (i32.const 1))))))`;
}

export function batchedMatvecsWat(): string {
  return `${batchedMatvec(int8)}\n${batchedMatvec(float32)}`;
}
