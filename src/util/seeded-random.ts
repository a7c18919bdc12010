/**
 * A small seeded PRNG (mulberry32): the same seed gives the same music on every machine, so a
 * response can be reproduced from the seed in its log line. State is one 32-bit integer and
 * can be copied (beam branches, carried state).
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [-1, 1). */
  nextSigned(): number {
    return this.next() * 2 - 1;
  }

  clone(): SeededRandom {
    return new SeededRandom(this.state);
  }

  get seedState(): number {
    return this.state;
  }
}

/** A seeded uniform source as a plain function, for code that only needs numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}
