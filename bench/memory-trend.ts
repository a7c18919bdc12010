/**
 * Memory over a long run, sampled after a full GC. A single RSS reading swings by ±15% on
 * its own, for hours at a time, while the heap in use stays flat (V8 keeps or returns heap
 * pages, and malloc keeps freed arenas, as they like). Two readings, start and end, then
 * say more about where the swing was than about a leak. A leak is a trend: this fits a line
 * through every sample of the run and reports its rise over the run against the mean.
 */
export interface MemorySample {
  readonly atH: number;
  readonly rss: number;
  readonly heap: number;
}

export interface MemoryTrend {
  readonly first: MemorySample;
  readonly last: MemorySample;
  readonly rssRange: { min: number; max: number };
  readonly mean: { rss: number; heap: number };
  /** The fitted line's rise from the first sample to the last, against the mean (0.05 = +5%). */
  readonly fittedChange: { rss: number; heap: number };
}

export function sampleMemory(atH: number): MemorySample {
  global.gc?.();
  const m = process.memoryUsage();
  return { atH, rss: m.rss, heap: m.heapUsed };
}

/** Least-squares slope of `value` against the sample hour, and the mean value. */
function fit(samples: readonly MemorySample[], value: (s: MemorySample) => number): { slope: number; mean: number } {
  const n = samples.length;
  const meanH = samples.reduce((a, s) => a + s.atH, 0) / n;
  const mean = samples.reduce((a, s) => a + value(s), 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.atH - meanH) * (value(s) - mean);
    variance += (s.atH - meanH) ** 2;
  }
  return { slope: variance === 0 ? 0 : covariance / variance, mean };
}

/** The trend over samples taken after warm-up (at least two). */
export function memoryTrend(samples: readonly MemorySample[]): MemoryTrend {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || samples.length < 2) throw new Error('memoryTrend needs two samples');
  const span = last.atH - first.atH;
  const rss = fit(samples, (s) => s.rss);
  const heap = fit(samples, (s) => s.heap);
  const values = samples.map((s) => s.rss);
  return {
    first,
    last,
    rssRange: { min: Math.min(...values), max: Math.max(...values) },
    mean: { rss: rss.mean, heap: heap.mean },
    fittedChange: { rss: (rss.slope * span) / rss.mean, heap: (heap.slope * span) / heap.mean },
  };
}
