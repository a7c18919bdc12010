import type { EngineAction } from './engine-types.js';
import { emitDraft, emitExchange, nextLoopDraft } from './exchange-drafts.js';
import type { GenerationResult } from './generator-port.js';
import { judgeLoopTurn } from './loop-guard.js';
import type { PipelineState, Requester } from './pipeline-state.js';
import type { ExchangeDraft, Pending, PipelineContext, RequestSpec } from './response-pipeline-types.js';
import type { Turn } from './turn.js';

/** The loop's next generation, asked for when `turn` begins (so it answers what is playing). */
export function scheduleLoopTurn(state: PipelineState, request: Requester, turn: Turn, next: RequestSpec): void {
  state.deadlines.add({ atMs: turn.startMs, kind: 'loop', run: () => request(next) });
}

/**
 * Loop mode after a turn: the next voice answers it when it begins. The turns are recorded in
 * files of `turnsPerRecording`; the one that fills a file emits it.
 */
export function continueLoop(
  state: PipelineState,
  ctx: PipelineContext,
  request: Requester,
  pending: Pending,
  turn: Turn,
  events: Uint16Array,
): EngineAction[] {
  const p = ctx.params();
  const draft = loopRecording(state, ctx, pending.draft);
  scheduleLoopTurn(state, request, turn, {
    voiceIndex: (pending.voiceIndex + 1) % p.voices.length,
    targetBar: turn.startBar + turn.bars,
    bars: pending.bars,
    primer: events,
    purpose: 'loop',
    draft,
  });
  return draft === pending.draft ? [] : emitDraft(pending.draft, ctx, state.deadlines);
}

/** The recording the loop's turns go to now: `current`, or a fresh one once it is full. */
function loopRecording(state: PipelineState, ctx: PipelineContext, current: ExchangeDraft): ExchangeDraft {
  state.loopDraft = current;
  if (current.turns.length < ctx.params().loopGuard.turnsPerRecording) return current;
  state.loopDraft = nextLoopDraft(current, state.nextDraftId());
  return state.loopDraft;
}

/**
 * The death-spiral guard applied to a loop turn: undefined to play it; else the actions that
 * regenerate it, reseed the loop from the human's call, or stop the loop.
 */
export function guardLoopTurn(
  state: PipelineState,
  ctx: PipelineContext,
  request: Requester,
  pending: Pending,
  result: GenerationResult,
): EngineAction[] | undefined {
  const human = ctx.humanCall();
  const verdict = judgeLoopTurn(
    pending,
    result.events,
    ctx.view.stepsPerBar,
    ctx.params().loopGuard,
    human !== undefined,
  );
  switch (verdict.kind) {
    case 'play':
      return undefined;
    case 'regenerate': {
      ctx.stats.loopRegenerations++;
      const { temperature, why } = verdict;
      return [
        { kind: 'log', level: 'info', msg: 'loop guard: regenerating', fields: { ...why, temperature } },
        ...request({ ...pending, attempt: pending.attempt + 1, temperature }),
      ];
    }
    case 'reseed': {
      ctx.stats.loopReseeds++;
      const { temperature: _voiceTemperature, ...spec } = pending;
      return [
        { kind: 'log', level: 'warn', msg: 'loop guard: reseeding from the human call', fields: verdict.why },
        ...request({ ...spec, primer: human?.events ?? pending.primer, attempt: 0, reseeded: true }),
      ];
    }
    case 'stop': {
      // The turns already scheduled play out; only the loop stops.
      state.pending.clear();
      state.deadlines.clear();
      const draft = state.loopDraft;
      state.loopDraft = undefined;
      const log: EngineAction = {
        kind: 'log',
        level: 'warn',
        msg: 'loop guard: loop stopped, no usable turn',
        fields: verdict.why,
      };
      return draft && draft.turns.length > 0 ? [log, emitExchange(draft, ctx)] : [log];
    }
  }
}
