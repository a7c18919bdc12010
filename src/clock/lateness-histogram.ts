/** Percentiles of a lateness histogram (ms): what the clock output thread reports. */
export interface LatenessSummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  /** Upper edge of the highest occupied bin. */
  readonly max: number;
  /** Writes 1 ms or more late. */
  readonly over1ms: number;
}

/** `bins[i]` counts writes late by [i, i+1) * binMs; the last bin counts everything later. */
export function latenessSummary(bins: ArrayLike<number>, binMs: number): LatenessSummary {
  let count = 0;
  for (let i = 0; i < bins.length; i++) count += bins[i] ?? 0;
  const at = (q: number): number => {
    if (count === 0) return NaN;
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let i = 0; i < bins.length; i++) {
      seen += bins[i] ?? 0;
      if (seen >= rank) return (i + 1) * binMs;
    }
    return bins.length * binMs;
  };
  let over1ms = 0;
  for (let i = Math.ceil(1 / binMs); i < bins.length; i++) over1ms += bins[i] ?? 0;
  let top = -1;
  for (let i = bins.length - 1; i >= 0 && top < 0; i--) if ((bins[i] ?? 0) > 0) top = i;
  return { count, p50: at(0.5), p99: at(0.99), max: top < 0 ? NaN : (top + 1) * binMs, over1ms };
}
