import { seededRandom } from '../util/seeded-random.js';
/**
 * Synthetic incoming clock streams for tests and benches: true tick times from a tempo
 * curve, then jitter and drops from a seeded generator, so every run sees the same stream.
 */
export interface SyntheticStreamOptions {
  /** Tempo (BPM) as a function of elapsed ms. */
  readonly tempoAt: (elapsedMs: number) => number;
  readonly ticks: number;
  readonly startMs?: number;
  /** Uniform jitter amplitude: each tick moves by up to ±jitterMs. */
  readonly jitterMs?: number;
  /** Probability that a tick is lost on the way. */
  readonly dropRate?: number;
  readonly seed?: number;
}

export interface SyntheticTick {
  readonly index: number;
  /** Time the tick was sent (ground truth). */
  readonly trueMs: number;
  /** Time it arrived, or undefined if dropped. */
  readonly arrivedMs: number | undefined;
  /** True tempo at this tick. */
  readonly tempo: number;
}

export function syntheticClock(options: SyntheticStreamOptions): SyntheticTick[] {
  const random = seededRandom(options.seed ?? 1);
  const start = options.startMs ?? 0;
  const out: SyntheticTick[] = [];
  let t = start;
  for (let index = 0; index < options.ticks; index++) {
    const tempo = options.tempoAt(t - start);
    const jitter = (random() * 2 - 1) * (options.jitterMs ?? 0);
    const dropped = random() < (options.dropRate ?? 0) && index > 0;
    out.push({ index, trueMs: t, arrivedMs: dropped ? undefined : t + jitter, tempo });
    t += 60_000 / (tempo * 24);
  }
  return out;
}

/** A tempo that ramps linearly from `from` to `to` BPM between `startMs` and `endMs`. */
export function rampTempo(from: number, to: number, startMs: number, endMs: number): (elapsedMs: number) => number {
  return (elapsed) =>
    elapsed <= startMs ? from : elapsed >= endMs ? to : from + ((to - from) * (elapsed - startMs)) / (endMs - startMs);
}
