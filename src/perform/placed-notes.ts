import type { Milliseconds, Ticks } from '../clock/units.js';

/** A queued send the timeline has moved: it should now go out at `atMs`. */
export interface NoteMove {
  readonly id: number;
  readonly atMs: number;
}

interface Placed {
  readonly tick: Ticks;
  readonly tag: string;
  atMs: number;
}

/**
 * The notes handed to an output queue ahead of time, remembered by song tick: when the
 * timeline that maps ticks to time changes (a followed clock's tempo moves, the tempo knob),
 * `retime` says which queued notes must move, and where to. Pure: time comes in as arguments.
 */
export class PlacedNotes {
  readonly #pending = new Map<number, Placed>();

  constructor(
    /** Smallest shift worth a move (ms); below it the queue keeps its time. */
    private readonly toleranceMs = 0.05,
  ) {}

  get size(): number {
    return this.#pending.size;
  }

  add(id: number, tick: Ticks, tag: string, atMs: number): void {
    this.#pending.set(id, { tick, tag, atMs });
  }

  /** Forgets entries under `tag` due at or after `fromMs` (they were cancelled). */
  cancel(tag: string, fromMs: number): void {
    for (const [id, p] of this.#pending) if (p.tag === tag && p.atMs >= fromMs) this.#pending.delete(id);
  }

  /**
   * Maps every entry still ahead of `nowMs` through `timeOfTick` again and returns the ones
   * that moved; entries at or before `nowMs` have gone out and are dropped.
   */
  retime(nowMs: number, timeOfTick: (tick: Ticks) => Milliseconds): NoteMove[] {
    const moves: NoteMove[] = [];
    for (const [id, p] of this.#pending) {
      if (p.atMs <= nowMs) {
        this.#pending.delete(id);
        continue;
      }
      const at = timeOfTick(p.tick);
      if (Math.abs(at - p.atMs) <= this.toleranceMs) continue;
      p.atMs = at;
      moves.push({ id, atMs: at });
    }
    return moves;
  }
}
