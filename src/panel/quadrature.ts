/**
 * Quadrature decoding by transition table. The state is (a << 1) | b; each valid move
 * between neighbouring states is a quarter step, forward or back. A move that skips a state
 * (both contacts changed: a bounce or a missed edge) counts nothing and clears the partial
 * detent, which debounces for free. A detent is reported when the encoder comes back to rest
 * having moved at least half a cycle one way.
 */
const TABLE: readonly number[] = [
  // to:  00  01  10  11      from
  0,
  -1,
  1,
  0, // 00
  1,
  0,
  0,
  -1, // 01
  -1,
  0,
  0,
  1, // 10
  0,
  1,
  -1,
  0, // 11
];

const INVALID = new Set([0b0011, 0b0110, 0b1001, 0b1100]);

export class QuadratureDecoder {
  #state: number;
  #quarters = 0;

  /** `rest` is the state at a detent: 0 for contacts read active-low (open at rest). */
  constructor(private readonly rest = 0) {
    this.#state = rest;
  }

  /** New contact levels; returns the detents completed (-1, 0 or 1). */
  update(a: 0 | 1, b: 0 | 1): number {
    const next = (a << 1) | b;
    const move = (this.#state << 2) | next;
    this.#state = next;
    if (INVALID.has(move)) {
      this.#quarters = 0;
      return 0;
    }
    this.#quarters += TABLE[move] ?? 0;
    if (next !== this.rest) return 0;
    const detent = this.#quarters >= 2 ? 1 : this.#quarters <= -2 ? -1 : 0;
    this.#quarters = 0;
    return detent;
  }
}

/**
 * Button debounce by lockout: the first edge counts at once (no added latency), then the
 * contact is ignored for `lockoutMs`; at the end of the lockout the level is read again, so
 * a release during the bounce is not lost. Pure: the caller reads the line at `nextDeadline`.
 */
export class Debouncer {
  #accepted: 0 | 1 = 0;
  #lockedUntil = -Infinity;

  constructor(private readonly lockoutMs = 8) {}

  get value(): 0 | 1 {
    return this.#accepted;
  }

  /** A raw edge; returns the new accepted level, or undefined when it is bounce. */
  edge(level: 0 | 1, atMs: number): 0 | 1 | undefined {
    if (atMs < this.#lockedUntil || level === this.#accepted) return undefined;
    this.#accepted = level;
    this.#lockedUntil = atMs + this.lockoutMs;
    return level;
  }

  /** When the caller should call `settle` with the line's level, if a lockout is running. */
  nextDeadline(nowMs: number): number | undefined {
    return nowMs < this.#lockedUntil ? this.#lockedUntil : undefined;
  }

  /** At the end of a lockout: the level the line has now, accepted if it differs. */
  settle(level: 0 | 1, atMs: number): 0 | 1 | undefined {
    if (atMs < this.#lockedUntil || level === this.#accepted) return undefined;
    return this.edge(level, atMs);
  }
}
