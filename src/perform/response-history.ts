import type { RecordedTurn } from './engine-types.js';
import type { Turn } from './turn.js';

/** One response as the engine scheduled it: what undo plays again. */
export interface HistoryEntry {
  readonly turn: Turn;
  readonly record: RecordedTurn;
  readonly voiceIndex: number;
}

/** How many responses undo can reach back through (the latest included). */
export const HISTORY_SIZE = 5;

/**
 * The last few responses, newest last: undo drops the newest and plays the one before it
 * again. Bounded, because a box answers all night. Pure.
 */
export class ResponseHistory {
  #entries: HistoryEntry[] = [];

  constructor(private readonly size = HISTORY_SIZE) {}

  /** How many times undo can go back now (0: nothing to go back to). */
  get depth(): number {
    return Math.max(0, this.#entries.length - 1);
  }

  push(entry: HistoryEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.size) this.#entries.shift();
  }

  /** Drops the newest response and returns the one before it (now the newest); undefined when there is none. */
  back(): HistoryEntry | undefined {
    if (this.#entries.length < 2) return undefined;
    this.#entries.pop();
    return this.#entries[this.#entries.length - 1];
  }
}
