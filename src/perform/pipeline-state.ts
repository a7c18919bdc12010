import type { EngineAction, RecordedTurn } from './engine-types.js';
import { PipelineDeadlines } from './pipeline-deadlines.js';
import { ResponseHistory } from './response-history.js';
import type { ExchangeDraft, Pending, RequestSpec } from './response-pipeline-types.js';
import { sendsOf, type Turn } from './turn.js';

/** The newest response: what mutate, loop-the-response and undo start from. */
export interface LastTurn {
  readonly turn: Turn;
  readonly record: RecordedTurn;
  readonly voiceIndex: number;
  readonly draft: ExchangeDraft;
}

/** Asks for a generation (the pipeline's `request`), for the parts that follow one turn with another. */
export type Requester = (spec: RequestSpec) => EngineAction[];

/**
 * What the response pipeline has in flight and on the timeline, shared by its parts:
 * answering, the loop, undo and repeats. Pure data with a little bookkeeping.
 */
export class PipelineState {
  readonly pending = new Map<number, Pending>();
  /** Turns still playing or due (pruned a second after they end). */
  turns: Turn[] = [];
  readonly deadlines = new PipelineDeadlines();
  lastTurn: LastTurn | undefined;
  /** The loop's current recording, while the loop runs. */
  loopDraft: ExchangeDraft | undefined;
  readonly history = new ResponseHistory();
  #turnCount = 0;
  #draftIds = 0;

  /** The next exchange id: counted per engine, so a run's answers (and files) do not depend on what else ran in the process. */
  nextDraftId(): number {
    return ++this.#draftIds;
  }

  /** A fresh scheduler tag for a turn. */
  nextTurnTag(): string {
    return `turn${++this.#turnCount}`;
  }

  /** A new response: on the timeline, in its exchange, the latest, and in undo's history. Returns its sends and the new undo depth. */
  respond(turn: Turn, record: RecordedTurn, pending: Pending): EngineAction[] {
    const out = this.play(turn);
    pending.draft.turns.push(record);
    pending.draft.firstTurnStartMs ??= turn.startMs;
    this.lastTurn = { turn, record, voiceIndex: pending.voiceIndex, draft: pending.draft };
    this.history.push({ turn, record, voiceIndex: pending.voiceIndex });
    out.push({ kind: 'history', depth: this.history.depth });
    return out;
  }

  /** Puts a turn on the timeline: returns its sends. */
  play(turn: Turn): EngineAction[] {
    this.turns.push(turn);
    return sendsOf(turn);
  }
}
