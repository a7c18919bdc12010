import type { Milliseconds } from '../clock/units.js';
import type { EngineAction } from './engine-types.js';
import type { ExchangeDraft } from './response-pipeline-types.js';

/** Work due at a time: the loop's next turn, a repeat, or emitting a speculative exchange once it is sure. */
export interface Deadline {
  readonly atMs: Milliseconds;
  readonly kind: 'loop' | 'repeat' | 'emit';
  readonly draft?: ExchangeDraft;
  readonly run: (now: Milliseconds) => EngineAction[];
}

/** The pipeline's future work, in no particular order (there are only ever a few). Pure. */
export class PipelineDeadlines {
  #deadlines: Deadline[] = [];

  add(deadline: Deadline): void {
    this.#deadlines.push(deadline);
  }

  /** Removes and returns what is due at `now`. */
  takeDue(now: Milliseconds): Deadline[] {
    const due = this.#deadlines.filter((d) => d.atMs <= now);
    this.#deadlines = this.#deadlines.filter((d) => d.atMs > now);
    return due;
  }

  /** A new response takes over: only the exchanges waiting to be emitted stay. */
  keepOnlyEmits(): void {
    this.#deadlines = this.#deadlines.filter((d) => d.kind === 'emit');
  }

  dropRepeats(): void {
    this.#deadlines = this.#deadlines.filter((d) => d.kind !== 'repeat');
  }

  dropDraft(draft: ExchangeDraft): void {
    this.#deadlines = this.#deadlines.filter((d) => d.draft !== draft);
  }

  clear(): void {
    this.#deadlines = [];
  }
}
