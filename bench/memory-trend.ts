/**
 * Memory over a long run, sampled after a full GC. A single RSS reading swings by ±15% on
 * its own, for hours at a time, while the heap in use stays flat (V8 keeps or returns heap
 * pages, and malloc keeps freed arenas, as they like). Two readings, start and end, then
 * say more about where the swing was than about a leak. A leak is a trend: this fits a line
 * through every sample of the run and reports its rise over the run against the mean.
 */
import { MAPPING_KINDS, sampleMappings, type MappingBreakdown, type MappingKind } from './memory-mappings.js';

export interface MemorySample {
  readonly atH: number;
  readonly rss: number;
  readonly heap: number;
  /** Resident memory by kind of mapping (absent where /proc is not Linux's). */
  readonly mappings?: MappingBreakdown;
}

/** One kind of mapping over the run, in bytes: mean, range, and the fitted line's rise over the run. */
export interface KindTrend {
  readonly kind: MappingKind | 'external' | 'v8Malloced';
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly fittedRise: number;
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
  let mappings: MappingBreakdown | undefined;
  try {
    mappings = sampleMappings();
  } catch {
    mappings = undefined; // not Linux: RSS and heap only
  }
  return { atH, rss: m.rss, heap: m.heapUsed, ...(mappings ? { mappings } : {}) };
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

/** Each kind of mapping's trend over the samples that carry a breakdown (empty when none do). */
export function mappingTrends(samples: readonly MemorySample[]): KindTrend[] {
  const withMappings = samples.filter((s) => s.mappings !== undefined);
  const first = withMappings[0];
  const last = withMappings.at(-1);
  if (first === undefined || last === undefined || withMappings.length < 2) return [];
  const span = last.atH - first.atH;
  return [...MAPPING_KINDS, 'external' as const, 'v8Malloced' as const].map((kind) => {
    const value = (s: MemorySample): number => s.mappings?.[kind] ?? 0;
    const values = withMappings.map(value);
    const { slope, mean } = fit(withMappings, value);
    return { kind, mean, min: Math.min(...values), max: Math.max(...values), fittedRise: slope * span };
  });
}
