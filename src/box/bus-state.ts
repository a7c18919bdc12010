import type { Logger } from '../system/log.js';
import { errorMessage } from '../util/error-message.js';
import { reduceSnapshot } from './box-state.js';
import type { BoxEvent, BoxProblem, BoxSnapshot } from './bus-types.js';

/**
 * The bus's state and its subscribers: every event is folded into the snapshot first, then
 * handed to each subscriber. A subscriber that throws is logged and skipped: a display must
 * not stop the music or the other subscribers.
 */
export class BusState {
  #snapshot: BoxSnapshot;
  readonly #listeners = new Set<(e: BoxEvent) => void>();

  constructor(
    initial: BoxSnapshot,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.#snapshot = initial;
  }

  get snapshot(): BoxSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (event: BoxEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: BoxEvent): void {
    this.#snapshot = reduceSnapshot(this.#snapshot, event);
    for (const listen of this.#listeners) {
      try {
        listen(event);
      } catch (e) {
        this.log.error({ err: errorMessage(e), event: event.kind }, 'bus subscriber failed');
      }
    }
  }

  /** A problem for the musician: logged with its code, and on the bus. */
  problem(level: BoxProblem['level'], code: BoxProblem['code'], message: string): void {
    if (level === 'error') this.log.error({ code }, message);
    else this.log.warn({ code }, message);
    this.emit({ kind: 'problem', problem: { level, code, message, atMs: this.now() } });
  }
}
