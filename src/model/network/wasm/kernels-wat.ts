/**
 * The WebAssembly text of the SIMD kernels, generated so the 8-way unrolled inner loops stay
 * readable here. `npm run build:kernels` assembles it (wabt) into kernels-binary.ts; a test
 * checks the committed binary still matches this source.
 *
 * Packed layouts (32 output columns per group, 8 x 4-lane accumulators held in registers):
 * - int8: per group, per row pair p, 64 bytes: for each 4-column chunk q, the 8 bytes
 *   W[2p][4q..4q+3] and W[2p+1][...] interleaved, so one `v128.load8x8_s` and one
 *   `i32x4.dot_i16x8_s` with the splatted pair (x[2p], x[2p+1]) add 8 products into 4 columns.
 * - float32: per group, per row, the row's 32 columns (128 bytes).
 */
import { batchedMatvecsWat } from './batched-matvec-wat.js';
import { MATVEC_GROUP_COLUMNS, MATVEC_UNROLL as UNROLL } from './kernel-layout.js';

export { MATVEC_GROUP_COLUMNS };
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function matvecInt8(): string {
  return `
  (func (export "mv_i8") (param $w i32) (param $pairs i32) (param $groups i32) (param $x i32)
        (param $scales i32) (param $xscale f32) (param $out i32)
    (local $p i32) (local $xp i32) (local $xs v128) (local $sx v128)
    ${range(UNROLL)
      .map((c) => `(local $a${c} v128)`)
      .join(' ')}
    (local.set $sx (f32x4.splat (local.get $xscale)))
    (loop $group
      ${range(UNROLL)
        .map((c) => `(local.set $a${c} (v128.const i32x4 0 0 0 0))`)
        .join('\n      ')}
      (local.set $xp (local.get $x))
      (local.set $p (local.get $pairs))
      (loop $pair
        (local.set $xs (v128.load32_splat (local.get $xp)))
        ${range(UNROLL)
          .map(
            (c) =>
              `(local.set $a${c} (i32x4.add (local.get $a${c}) (i32x4.dot_i16x8_s (v128.load8x8_s offset=${8 * c} (local.get $w)) (local.get $xs))))`,
          )
          .join('\n        ')}
        (local.set $w (i32.add (local.get $w) (i32.const 64)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br_if $pair (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
      ${range(UNROLL)
        .map(
          (c) =>
            `(v128.store offset=${16 * c} (local.get $out) (f32x4.mul (f32x4.convert_i32x4_s (local.get $a${c})) (f32x4.mul (v128.load offset=${16 * c} (local.get $scales)) (local.get $sx))))`,
        )
        .join('\n      ')}
      (local.set $out (i32.add (local.get $out) (i32.const 128)))
      (local.set $scales (i32.add (local.get $scales) (i32.const 128)))
      (br_if $group (local.tee $groups (i32.sub (local.get $groups) (i32.const 1))))))`;
}

function matvecFloat32(): string {
  return `
  (func (export "mv_f32") (param $w i32) (param $rows i32) (param $groups i32) (param $x i32) (param $out i32)
    (local $r i32) (local $xp i32) (local $xs v128)
    ${range(UNROLL)
      .map((c) => `(local $a${c} v128)`)
      .join(' ')}
    (loop $group
      ${range(UNROLL)
        .map((c) => `(local.set $a${c} (v128.const f32x4 0 0 0 0))`)
        .join('\n      ')}
      (local.set $xp (local.get $x))
      (local.set $r (local.get $rows))
      (loop $row
        (local.set $xs (v128.load32_splat (local.get $xp)))
        ${range(UNROLL)
          .map(
            (c) =>
              `(local.set $a${c} (f32x4.add (local.get $a${c}) (f32x4.mul (v128.load offset=${16 * c} (local.get $w)) (local.get $xs))))`,
          )
          .join('\n        ')}
        (local.set $w (i32.add (local.get $w) (i32.const 128)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      ${range(UNROLL)
        .map((c) => `(v128.store offset=${16 * c} (local.get $out) (local.get $a${c}))`)
        .join('\n      ')}
      (local.set $out (i32.add (local.get $out) (i32.const 128)))
      (br_if $group (local.tee $groups (i32.sub (local.get $groups) (i32.const 1))))))`;
}

/** Scalar helpers: quantise an activation vector, add vectors, add a weight row. */
function helpers(): string {
  return `
  (func (export "quantize_x") (param $x i32) (param $n i32) (param $out i32) (param $xmax f32) (result f32)
    (local $i i32) (local $m f32) (local $inv f32) (local $vm v128) (local $vinv v128) (local $q v128)
    ;; max |x|: four lanes at a time, then the tail
    (block $done (loop $scan
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $vm (f32x4.max (local.get $vm) (f32x4.abs (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $scan)))
    (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vm)) (f32x4.extract_lane 1 (local.get $vm)))
      (f32.max (f32x4.extract_lane 2 (local.get $vm)) (f32x4.extract_lane 3 (local.get $vm)))))
    (block $done2 (loop $scanTail
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $m (f32.max (local.get $m) (f32.abs (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $scanTail)))
    (local.set $inv (select (f32.div (local.get $xmax) (local.get $m)) (f32.const 0) (f32.gt (local.get $m) (f32.const 0))))
    (local.set $vinv (f32x4.splat (local.get $inv)))
    (local.set $i (i32.const 0))
    (block $done3 (loop $write
      (br_if $done3 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $q (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $vinv)
        (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))))
      (v128.store64_lane 0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (i16x8.narrow_i32x4_s (local.get $q) (local.get $q)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $write)))
    (block $done4 (loop $writeTail
      (br_if $done4 (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))
        (i32.trunc_sat_f32_s (f32.nearest (f32.mul (local.get $inv) (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $writeTail)))
    ;; an odd length pairs its last value with a zero
    (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 1))) (i32.const 0))
    (f32.div (local.get $m) (local.get $xmax)))

  (func (export "add_f32") (param $y i32) (param $src i32) (param $n i32)
    (local $i i32)
    (block $done (loop $vec
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (v128.store (local.get $y) (f32x4.add (v128.load (local.get $y)) (v128.load (local.get $src))))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    (block $done2 (loop $tail
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $y) (f32.add (f32.load (local.get $y)) (f32.load (local.get $src))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  (func (export "add_row_i8") (param $row i32) (param $scales i32) (param $scale f32) (param $y i32) (param $n i32)
    (local $i i32)
    (block $done (loop $col
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $y) (f32.add (f32.load (local.get $y))
        (f32.mul (local.get $scale) (f32.mul (f32.load (local.get $scales)) (f32.convert_i32_s (i32.load8_s (i32.add (local.get $row) (local.get $i))))))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $col))))

  (func (export "add_row_f32") (param $row i32) (param $scale f32) (param $y i32) (param $n i32)
    (local $i i32)
    (block $done (loop $col
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $y) (f32.add (f32.load (local.get $y)) (f32.mul (local.get $scale) (f32.load (local.get $row)))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $col))))`;
}

/**
 * exp by range reduction (x = n ln2 + r, |r| <= ln2/2), a degree-6 Taylor polynomial for e^r
 * (relative error ~2e-7) and 2^n built in the exponent bits; sigmoid and tanh from it. Emitted
 * inline (V8 does not inline WebAssembly calls) into locals $en $er $ep of the caller.
 */
const splat = (v: number): string => `(f32x4.splat (f32.const ${v}))`;
const EXP_LOCALS = '(local $en v128) (local $er v128) (local $ep v128) (local $ex v128)';

/**
 * Statements leaving exp(x) in `into`. pmin/pmax (one instruction each; same results as
 * min/max here, NaN included) clamp; adding 1.5 * 2^23 rounds n to nearest-even, as
 * f32x4.nearest would, and leaves n in the low mantissa bits, so 2^n needs no float-to-int
 * conversion.
 */
function expInto(into: string, x: string): string {
  return `(local.set $ex (f32x4.pmin (f32x4.pmax ${x} ${splat(-87)}) ${splat(88)}))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ex) ${splat(1.4426950408889634)}) ${splat(12582912)}))
    (local.set $en (f32x4.sub (local.get $ep) ${splat(12582912)}))
    (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) ${splat(0.693359375)}))
      (f32x4.mul (local.get $en) ${splat(-2.1219444005469057e-4)})))
    (local.set ${into} (i32x4.shl (i32x4.sub (local.get $ep) (i32x4.splat (i32.const 0x4b3fff81))) (i32.const 23)))
    (local.set $ep ${splat(1 / 720)})
    ${[1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1]
      .map((c) => `(local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) ${splat(c)}))`)
      .join('\n    ')}
    (local.set ${into} (f32x4.mul (local.get $ep) (local.get ${into})))`;
}

/** Statements leaving sigmoid(x) = 1 / (1 + e^-x) in `into`. */
function sigmoidInto(into: string, x: string): string {
  return `${expInto(into, `(f32x4.neg ${x})`)}
    (local.set ${into} (f32x4.div ${splat(1)} (f32x4.add ${splat(1)} (local.get ${into}))))`;
}

/** Statements leaving tanh(x) = 1 - 2 / (e^2x + 1) in `into`. */
function tanhInto(into: string, x: string): string {
  return `${expInto(into, `(f32x4.add ${x} ${x})`)}
    (local.set ${into} (f32x4.sub ${splat(1)} (f32x4.div ${splat(2)} (f32x4.add ${splat(1)} (local.get ${into})))))`;
}

function transcendentals(): string {
  return `
  (func (export "lstm_gates") (param $g i32) (param $c i32) (param $h i32) (param $units i32)
    (local $stride i32) (local $i i32) (local $cell v128) (local $a v128) (local $b v128) ${EXP_LOCALS}
    (local.set $stride (i32.shl (local.get $units) (i32.const 2)))
    (loop $unit
      ${sigmoidInto('$a', '(v128.load (local.get $g))')}
      ${tanhInto('$b', '(v128.load (i32.add (local.get $g) (local.get $stride)))')}
      (local.set $cell (f32x4.mul (local.get $a) (local.get $b)))
      ${sigmoidInto('$a', `(f32x4.add ${splat(1)} (v128.load (i32.add (local.get $g) (i32.shl (local.get $stride) (i32.const 1)))))`)}
      (local.set $cell (f32x4.add (local.get $cell) (f32x4.mul (v128.load (local.get $c)) (local.get $a))))
      (v128.store (local.get $c) (local.get $cell))
      ${tanhInto('$a', '(local.get $cell)')}
      ${sigmoidInto('$b', '(v128.load (i32.add (local.get $g) (i32.mul (local.get $stride) (i32.const 3))))')}
      (v128.store (local.get $h) (f32x4.mul (local.get $a) (local.get $b)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (local.set $h (i32.add (local.get $h) (i32.const 16)))
      (br_if $unit (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $units)))))

  (func (export "attention_scores") (param $feat i32) (param $q i32) (param $v i32) (param $count i32) (param $size i32) (param $out i32)
    (local $j i32) (local $acc v128) (local $t v128) ${EXP_LOCALS}
    (loop $slot
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (loop $col
        ${tanhInto('$t', '(f32x4.add (v128.load (local.get $feat)) (v128.load (i32.add (local.get $q) (local.get $j))))')}
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $j))) (local.get $t))))
        (local.set $feat (i32.add (local.get $feat) (i32.const 16)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (i32.shl (local.get $size) (i32.const 2)))))
      (f32.store (local.get $out) (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $slot (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func (export "weighted_sum") (param $rows i32) (param $weights i32) (param $count i32) (param $size i32) (param $out i32)
    (local $j i32) (local $wk v128)
    (loop $slot
      (local.set $wk (v128.load32_splat (local.get $weights)))
      (local.set $j (i32.const 0))
      (loop $col
        (v128.store (i32.add (local.get $out) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $j))) (f32x4.mul (local.get $wk) (v128.load (local.get $rows)))))
        (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (i32.shl (local.get $size) (i32.const 2)))))
      (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
      (br_if $slot (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))`;
}

export function kernelsWat(): string {
  return `(module
  (import "env" "memory" (memory 1))
  ${matvecInt8()}
  ${batchedMatvecsWat()}
  ${matvecFloat32()}
  ${helpers()}
  ${transcendentals()}
)
`;
}
