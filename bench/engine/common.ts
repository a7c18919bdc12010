/** Shared by the engine bench's probes, each of which runs in its own process. */

export interface Timing {
  /** Best chunk (the machine is shared: the least-disturbed run is the fairest figure). */
  readonly minMs: number;
  readonly medianMs: number;
}

/** Times `run` (which does `stepsPerRun` steps) until `budgetMs` is spent; per-step figures. */
export async function timePerStep(
  run: () => unknown,
  stepsPerRun: number,
  budgetMs = 1500,
  minRuns = 5,
): Promise<Timing> {
  await run(); // warm-up: JIT, caches
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0) / stepsPerRun);
    if (samples.length > 5000) break;
  }
  samples.sort((a, b) => a - b);
  return { minMs: samples[0] ?? NaN, medianMs: samples[Math.floor(samples.length / 2)] ?? NaN };
}

export interface ModelSize {
  readonly label: string;
  readonly layerUnits: readonly number[];
  readonly attentionLength?: number;
}

export const SIZES: readonly ModelSize[] = [
  { label: 'drum_kit_rnn (3x256 + attn 32)', layerUnits: [256, 256, 256], attentionLength: 32 },
  { label: '2x128', layerUnits: [128, 128] },
];

/** Batch sizes whose per-sequence step time the bench reports. */
export const BATCHES = [1, 2, 4, 8, 32] as const;

export const PRIMER = [
  5, 0, 4, 0, 6, 0, 4, 1, 5, 0, 5, 0, 6, 0, 4, 0, 5, 0, 4, 0, 6, 0, 4, 1, 5, 0, 2, 16, 34, 32, 64, 130,
];

/** A probe's answer: one JSON line on stdout. */
export function emit(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
