import type { EngineAction, RecordedTurn } from './engine-types.js';
import type { PipelineDeadlines } from './pipeline-deadlines.js';
import type { ExchangeDraft, PipelineContext, Purpose } from './response-pipeline-types.js';

/** The exchange a draft has become, counted in the engine's stats. */
export function emitExchange(draft: ExchangeDraft, ctx: PipelineContext): EngineAction {
  ctx.stats.exchanges++;
  const p = ctx.params();
  return {
    kind: 'exchange',
    exchange: {
      id: draft.id,
      mode: p.mode,
      tempo: ctx.view.tempo(),
      stepsPerBar: ctx.view.stepsPerBar,
      call: draft.call,
      turns: [...draft.turns],
    },
  };
}

/** The loop's next recording, its "call" being the last turn of the one before: a loop runs all night, in files of a few turns. */
export function nextLoopDraft(current: ExchangeDraft, id: number): ExchangeDraft {
  const last = current.turns[current.turns.length - 1];
  return {
    id,
    call: {
      source: 'loop',
      startBar: last?.startBar ?? 0,
      bars: last?.bars ?? 0,
      endReason: 'n/a',
      notes: last?.notes ?? [],
      events: last?.events ?? new Uint16Array(),
    },
    feel: current.feel,
    turns: [],
    speculative: false,
    firstTurnStartMs: undefined,
  };
}

/** The 'response' log line: where a turn plays and how likely the model found it and its call. */
export function responseLog(r: RecordedTurn, purpose: Purpose): EngineAction {
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    kind: 'log',
    level: 'info',
    msg: 'response',
    fields: {
      voice: r.voice,
      model: r.model,
      purpose,
      startBar: r.startBar,
      bars: r.bars,
      hits: r.notes.length,
      temperature: round(r.temperature),
      logLikelihood: round(r.logLikelihood.total),
      perStep: round(mean(r.logLikelihood.perStep)),
      callLogLikelihood: round(r.primerLogLikelihood.total),
      callPerStep: round(mean(r.primerLogLikelihood.perStep)),
      slippedBars: r.slippedBars,
    },
  };
}

/** Emits an exchange for recording; a speculative one waits (on `deadlines`) until its response has begun. */
export function emitDraft(draft: ExchangeDraft, ctx: PipelineContext, deadlines: PipelineDeadlines): EngineAction[] {
  const at = draft.firstTurnStartMs;
  if (!draft.speculative || at === undefined) return [emitExchange(draft, ctx)];
  deadlines.add({ atMs: at, kind: 'emit', draft, run: () => [emitExchange(draft, ctx)] });
  return [];
}
