/** Tick timing figures: error = when it went out minus when it was due (ms, + is late). */
export interface TimingStats {
  readonly ticks: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Error of the last tick: what accumulated over the run. */
  readonly finalError: number;
  /** Least-squares slope of error over time, in ppm (0 = no drift). */
  readonly driftPpm: number;
}

export function timingStats(due: readonly number[], actual: readonly number[]): TimingStats {
  const n = Math.min(due.length, actual.length);
  const errors: number[] = [];
  for (let i = 0; i < n; i++) errors.push((actual[i] ?? 0) - (due[i] ?? 0));
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const t0 = due[0] ?? 0;
  const mt = due.slice(0, n).reduce((a, b) => a + b - t0, 0) / n;
  const me = errors.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dt = (due[i] ?? 0) - t0 - mt;
    num += dt * ((errors[i] ?? 0) - me);
    den += dt * dt;
  }
  return {
    ticks: n,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    finalError: errors[n - 1] ?? NaN,
    driftPpm: den > 0 ? (num / den) * 1e6 : 0,
  };
}

export function formatRow(name: string, s: TimingStats): string {
  const f = (v: number): string => v.toFixed(3).padStart(8);
  return `${name.padEnd(44)} ${String(s.ticks).padStart(5)} ${f(s.p50)} ${f(s.p99)} ${f(s.max)} ${f(s.finalError)} ${s.driftPpm.toFixed(1).padStart(8)}`;
}

export const tableHeader = `${'strategy / condition'.padEnd(44)} ${'ticks'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'last ms'.padStart(8)} ${'drift ppm'.padStart(8)}`;

/** URL of the bootstrap that loads a TypeScript worker through tsx (see ts-worker.mjs). */
export const TS_WORKER = new URL('./ts-worker.mjs', import.meta.url);

/** workerData for a TypeScript worker `file` (relative to bench/) run via TS_WORKER. */
export function tsWorkerData(file: string, data: object): object {
  return { ...data, entry: new URL(file, import.meta.url).href };
}
