import { rampTempo, syntheticClock, type SyntheticTick } from '../src/clock/synthetic-clock.js';
import { evaluateFollower, evaluateIntervalAverage, type FollowerResult } from './follower-eval.js';

const beats = (n: number): number => n * 24;

/** Follower lock time and tempo error on synthetic streams, against a naive interval average. */
export function runFollowerBench(): void {
  const cases: [string, SyntheticTick[]][] = [
    ['steady 174', syntheticClock({ tempoAt: () => 174, ticks: beats(64) })],
    ['jitter ±1 ms 174', syntheticClock({ tempoAt: () => 174, ticks: beats(64), jitterMs: 1, seed: 7 })],
    [
      'jitter ±1 ms + 10% drops',
      syntheticClock({ tempoAt: () => 174, ticks: beats(64), jitterMs: 1, dropRate: 0.1, seed: 9 }),
    ],
    [
      'ramp 120->140 over 20 s, ±1 ms',
      syntheticClock({ tempoAt: rampTempo(120, 140, 5000, 25000), ticks: beats(80), jitterMs: 1, seed: 3 }),
    ],
  ];
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'never').padStart(9);
  console.log(
    'follower: lock = beats until tempo error stays <= 0.1%; error after lock (mean/max %); next-tick phase error after lock (max ms)',
  );
  console.log(
    `${'stream'.padEnd(34)} ${'follower'.padEnd(22)} ${'locked@'.padStart(9)} ${'lock0.1%'.padStart(9)} ${'mean %'.padStart(9)} ${'max %'.padStart(9)} ${'phase ms'.padStart(9)}`,
  );
  const row = (name: string, who: string, r: FollowerResult): void =>
    console.log(
      `${name.padEnd(34)} ${who.padEnd(22)} ${f(r.declaredLockBeats)} ${f(r.lockBeats)} ${f(r.meanErrorPct)} ${f(r.maxErrorPct)} ${f(r.maxPhaseErrorMs)}`,
    );
  for (const [name, stream] of cases) {
    row(name, 'least squares (ours)', evaluateFollower(stream, 0.1));
    row(name, 'ref: mean of 24 gaps', evaluateIntervalAverage(stream, 0.1, 24));
  }
  console.log('ramps: error during the ramp itself (after 2 beats), p50/p99/max %:');
  const ramp = cases[3]?.[1] ?? [];
  const during = evaluateFollower(ramp, 0.1)
    .errorSeries.slice(beats(2))
    .sort((a, b) => a - b);
  const q = (p: number): string => (during[Math.floor(p * (during.length - 1))] ?? NaN).toFixed(3);
  console.log(`  least squares: ${q(0.5)} / ${q(0.99)} / ${q(1)}`);
  const ref = evaluateIntervalAverage(ramp, 0.1, 24)
    .errorSeries.slice(beats(2))
    .sort((a, b) => a - b);
  const r = (p: number): string => (ref[Math.floor(p * (ref.length - 1))] ?? NaN).toFixed(3);
  console.log(`  ref mean of 24 gaps: ${r(0.5)} / ${r(0.99)} / ${r(1)}`);
}
