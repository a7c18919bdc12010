import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The dense matrix-vector products of one MusicRNN step, as our kernels run them. */
export function stepShapes(layerUnits: readonly number[], attentionLength: number | undefined): [number, number][] {
  const inputSize = 518;
  const last = layerUnits[layerUnits.length - 1] ?? 0;
  const shapes: [number, number][] = [];
  if (attentionLength !== undefined) {
    const size = last;
    shapes.push([6 + size, inputSize]);
    layerUnits.forEach((u, l) => shapes.push([(l === 0 ? inputSize : (layerUnits[l - 1] ?? 0)) + u, 4 * u]));
    shapes.push([2 * layerUnits.reduce((a, b) => a + b, 0), size], [size, size], [last + size, size], [size, 512]);
  } else {
    layerUnits.forEach((u, l) => shapes.push([(l === 0 ? 6 : (layerUnits[l - 1] ?? 0)) + u, 4 * u]));
    shapes.push([last, 512]);
  }
  return shapes;
}

/**
 * A C reference for the same work, compiled here with `gcc -O3 -march=native`: int8 weights
 * and activations with int32 dot products, and float32 as row-wise axpy (vectorisable without
 * -ffast-math). It bounds what our kernels could reach on this CPU.
 */
function source(shapes: readonly [number, number][]): string {
  return `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
#define N ${shapes.length}
static const int R[N] = {${shapes.map((s) => s[0]).join(',')}};
static const int C[N] = {${shapes.map((s) => s[1]).join(',')}};
static int8_t *wq[N], *xq[N]; static int32_t *yq[N]; static float *wf[N], *xf[N], *yf[N];
__attribute__((noinline)) static void step_int8(void) {
  for (int m = 0; m < N; m++) for (int j = 0; j < C[m]; j++) {
    const int8_t *w = wq[m] + (size_t)j * R[m]; int32_t acc = 0;
    for (int r = 0; r < R[m]; r++) acc += (int32_t)w[r] * (int32_t)xq[m][r];
    yq[m][j] = acc;
  }
}
__attribute__((noinline)) static void step_f32(void) {
  for (int m = 0; m < N; m++) {
    float *y = yf[m]; for (int j = 0; j < C[m]; j++) y[j] = 0;
    for (int r = 0; r < R[m]; r++) { const float x = xf[m][r]; const float *w = wf[m] + (size_t)r * C[m]; for (int j = 0; j < C[m]; j++) y[j] += x * w[j]; }
  }
}
static double best(void (*f)(void)) {
  double b = 1e9; f();
  for (int rep = 0; rep < 400; rep++) { double t0 = now(); for (int i = 0; i < 10; i++) f(); double t = (now() - t0) / 10; if (t < b) b = t; }
  return b;
}
int main(void) {
  srand(1);
  for (int m = 0; m < N; m++) {
    wq[m] = malloc((size_t)R[m] * C[m]); xq[m] = malloc(R[m]); yq[m] = malloc(4 * C[m]);
    wf[m] = malloc(4 * (size_t)R[m] * C[m]); xf[m] = malloc(4 * R[m]); yf[m] = malloc(4 * C[m]);
    for (size_t i = 0; i < (size_t)R[m] * C[m]; i++) { wq[m][i] = (int8_t)(rand() % 255 - 127); wf[m][i] = (rand() % 2001 - 1000) / 1000.0f; }
    for (int i = 0; i < R[m]; i++) { xq[m][i] = (int8_t)(rand() % 255 - 127); xf[m][i] = (rand() % 2001 - 1000) / 1000.0f; }
  }
  double i8 = best(step_int8), f = best(step_f32);
  long check = 0; for (int m = 0; m < N; m++) check += yq[m][0] + (long)yf[m][0];
  printf("RESULT {\\"int8Ms\\": %.5f, \\"float32Ms\\": %.5f, \\"check\\": %ld}\\n", i8, f, check);
  return 0;
}
`;
}

export interface NativeResult {
  readonly int8Ms: number;
  readonly float32Ms: number;
}

export function runNativeProbe(shapes: readonly [number, number][]): NativeResult | string {
  const dir = mkdtempSync(join(tmpdir(), 'antiphon-native-'));
  const c = join(dir, 'probe.c');
  const exe = join(dir, 'probe');
  writeFileSync(c, source(shapes));
  try {
    execFileSync('gcc', ['-O3', '-march=native', '-o', exe, c], { stdio: 'pipe' });
    const out = execFileSync(exe, { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (line === undefined) return 'no result line';
    return JSON.parse(line.slice(7)) as NativeResult;
  } catch (err) {
    return `native probe unavailable: ${(err as Error).message.split('\n')[0] ?? ''}`;
  }
}
