import type { Milliseconds } from '../clock/units.js';
import type { EngineAction } from './engine-types.js';
import { scheduleLoopTurn } from './loop-turns.js';
import type { PipelineState, Requester } from './pipeline-state.js';
import type { PipelineContext } from './response-pipeline-types.js';
import { moveTurn, recordedNotes, repeatTurn, silenceTurn, type Turn } from './turn.js';

/**
 * Undo: the response before the latest plays again from `targetBar`, and the latest is
 * forgotten. Whatever was due from that bar on (the rest of a response, a repeat, the
 * loop's next turn, a generation in flight) gives way to it, as to any new response; with
 * loop-the-response on it becomes the repeated one, and in loop mode the loop goes on from it.
 */
export function replayPrevious(
  state: PipelineState,
  ctx: PipelineContext,
  request: Requester,
  targetBar: number,
  now: Milliseconds,
): EngineAction[] {
  const previous = state.history.back();
  if (!previous) return [{ kind: 'log', level: 'info', msg: 'undo: no earlier response', fields: {} }];
  const turn = moveTurn(previous.turn, targetBar, state.nextTurnTag(), ctx.view);
  const out: EngineAction[] = [];
  for (const t of state.turns) out.push(...silenceFrom(t, turn.startMs, now));
  state.pending.clear();
  state.deadlines.keepOnlyEmits();
  out.push(...state.play(turn));
  const p = ctx.params();
  // Mutate and loop-the-response now start from the replayed response.
  if (state.lastTurn) {
    const record = { ...previous.record, startBar: targetBar, notes: recordedNotes(turn.notes, p.gateSteps) };
    state.lastTurn = { ...state.lastTurn, turn, record, voiceIndex: previous.voiceIndex };
  }
  out.push({ kind: 'history', depth: state.history.depth });
  out.push({
    kind: 'log',
    level: 'info',
    msg: 'undo: the previous response again',
    fields: { voice: turn.voice, startBar: targetBar, bars: turn.bars, hits: turn.notes.length },
  });
  if (p.mode === 'loop' && p.voices.length > 1 && state.loopDraft) {
    scheduleLoopTurn(state, request, turn, {
      voiceIndex: (previous.voiceIndex + 1) % p.voices.length,
      targetBar: turn.startBar + turn.bars,
      bars: turn.bars,
      primer: previous.record.events,
      purpose: 'loop',
      draft: state.loopDraft,
    });
  } else if (p.loopResponse) scheduleRepeat(state, ctx, turn);
  return out;
}

/** Loop-the-response: `turn` plays again from its end, and again, while the setting stays on. */
export function scheduleRepeat(state: PipelineState, ctx: PipelineContext, turn: Turn): void {
  state.deadlines.add({
    atMs: turn.startMs,
    kind: 'repeat',
    run: () => {
      if (!ctx.params().loopResponse) return [];
      const copy = repeatTurn(turn, `${turn.tag}rep`, ctx.view);
      scheduleRepeat(state, ctx, copy);
      return state.play(copy);
    },
  });
}

/** Loop-the-response off: no more repeats, and the repeats not yet begun are silenced. */
export function stopRepeats(state: PipelineState, now: Milliseconds): EngineAction[] {
  state.deadlines.dropRepeats();
  const out: EngineAction[] = [];
  for (const t of state.turns) if (t.tag.includes('rep') && t.startMs > now) out.push(...silenceTurn(t, now));
  return out;
}

/** A turn cut at `fromMs` for the one that replaces it: no note-on from then on; one already sounding ends by its own note-off. */
function silenceFrom(turn: Turn, fromMs: Milliseconds, now: Milliseconds): EngineAction[] {
  return fromMs <= now ? silenceTurn(turn, now) : [{ kind: 'cancel', tag: `${turn.tag}:on`, fromMs }];
}
