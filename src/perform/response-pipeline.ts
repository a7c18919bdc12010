import type { Milliseconds } from '../clock/units.js';
import type { EngineAction, RecordedTurn } from './engine-types.js';
import { emitDraft, emitExchange, responseLog } from './exchange-drafts.js';
import { GenerationTiming } from './generation-timing.js';
import type { GenerationResult, GeneratorState } from './generator-port.js';
import { continueLoop, guardLoopTurn } from './loop-turns.js';
import { PipelineState } from './pipeline-state.js';
import { replayPrevious, scheduleRepeat, stopRepeats } from './response-replay.js';
import type { ExchangeDraft, Pending, PipelineContext, RequestSpec } from './response-pipeline-types.js';
import { silenceTurn, type Turn } from './turn.js';
import { placeResponse, slipActions } from './turn-placement.js';

export type { ExchangeDraft, ModelInfo, PipelineContext, Purpose, RequestSpec } from './response-pipeline-types.js';

/**
 * Generations in flight, turns on the scheduler, and what follows a turn (the chain's second
 * voice, the loop's next voice, a repeat). Pure: returns actions, keeps no timers. Beside it,
 * over the shared PipelineState: the loop (loop-turns), undo and repeats (response-replay).
 */
export class ResponsePipeline {
  #nextId = 1;
  readonly #s = new PipelineState();
  readonly #carried = new Map<string, GeneratorState>();
  readonly #timing = new GenerationTiming();
  readonly #request = (spec: RequestSpec): EngineAction[] => this.request(spec);

  constructor(private readonly ctx: PipelineContext) {}

  /** The next exchange id: counted per engine, so a run's answers (and files) do not depend on what else ran in the process. */
  nextDraftId(): number {
    return this.#s.nextDraftId();
  }

  get busy(): boolean {
    return this.#s.pending.size > 0;
  }

  isPlaying(now: Milliseconds): boolean {
    return this.#s.turns.some((t) => t.endMs > now);
  }

  get lastTurn(): { record: RecordedTurn; voiceIndex: number } | undefined {
    return this.#s.lastTurn;
  }

  /** How many responses undo can go back to. */
  get undoDepth(): number {
    return this.#s.history.depth;
  }

  /** Estimated generation time for `totalSteps` (fed + generated) plus the safety margin. */
  leadMs(model: string, totalSteps: number): number {
    const p = this.ctx.params();
    return this.#timing.leadMs(model, totalSteps, p.initialMsPerStep, p.safetyMs);
  }

  request(spec: RequestSpec): EngineAction[] {
    const p = this.ctx.params();
    const voice = p.voices[spec.voiceIndex];
    if (!voice) return [{ kind: 'log', level: 'warn', msg: 'no such voice', fields: { voice: spec.voiceIndex } }];
    const id = this.#nextId++;
    const pending: Pending = { attempt: 0, reseeded: false, temperature: voice.temperature, ...spec, id };
    this.#s.pending.set(id, pending);
    const state = p.carryState ? this.#carried.get(voice.name) : undefined;
    const request = {
      primer: pending.primer,
      steps: pending.bars * this.ctx.view.stepsPerBar,
      temperature: pending.temperature,
      beamSize: voice.beamSize,
      topK: voice.topK,
      topP: voice.topP,
      profileWeight: voice.profileWeight,
      profileFloor: voice.profileFloor,
      densityWeight: voice.densityWeight,
      seed: p.seed * 1_000_003 + id,
      ...(state ? { state } : {}),
    };
    return [{ kind: 'generate', id, model: voice.model, request }];
  }

  generated(
    id: number,
    result: GenerationResult,
    startedAtMs: Milliseconds,
    finishedAtMs: Milliseconds,
  ): EngineAction[] {
    const s = this.#s;
    const pending = s.pending.get(id);
    if (!pending) return [{ kind: 'log', level: 'debug', msg: 'stale generation dropped', fields: { id } }];
    s.pending.delete(id);
    const p = this.ctx.params();
    const voice = p.voices[pending.voiceIndex];
    const model = voice ? this.ctx.models.get(voice.model) : undefined;
    if (!voice || !model)
      return [{ kind: 'log', level: 'warn', msg: 'voice or model gone before its response', fields: { id } }];
    this.#timing.measure(voice.model, pending.primer.length + result.events.length, finishedAtMs - startedAtMs);
    const guard = pending.purpose === 'loop' ? guardLoopTurn(s, this.ctx, this.#request, pending, result) : undefined;
    if (guard) return guard;
    const { turn, record, slipped } = placeResponse({
      pending,
      result,
      voice,
      model,
      params: p,
      view: this.ctx.view,
      defaultGroove: this.ctx.groove,
      tag: s.nextTurnTag(),
      finishedAtMs,
    });
    const out: EngineAction[] = [];
    if (slipped > 0) {
      this.ctx.stats.slips++;
      this.ctx.stats.slippedBars += slipped;
      out.push(...slipActions(voice.name, slipped, finishedAtMs - startedAtMs, this.ctx.stats.slips));
    }
    if (p.carryState) this.#carried.set(voice.name, result.state);
    if (pending.purpose !== 'loop' && pending.purpose !== 'chain') {
      // The conversation moves on: an older response stops where this one begins.
      for (const t of s.turns) out.push({ kind: 'cancel', tag: `${t.tag}:on`, fromMs: turn.startMs });
      s.deadlines.keepOnlyEmits();
    }
    out.push(...s.respond(turn, record, pending), responseLog(record, pending.purpose));
    out.push(...this.#follow(pending, turn, result.events));
    return out;
  }

  /** A failed generation: logged; the exchange is emitted with whatever it has. */
  failed(id: number, error: Error): EngineAction[] {
    const pending = this.#s.pending.get(id);
    this.#s.pending.delete(id);
    const out: EngineAction[] = [
      { kind: 'log', level: 'warn', msg: 'generation failed', fields: { id, error: error.message } },
    ];
    if (pending && pending.draft.turns.length > 0 && pending.purpose !== 'loop')
      out.push(...emitDraft(pending.draft, this.ctx, this.#s.deadlines));
    return out;
  }

  advance(now: Milliseconds): EngineAction[] {
    const due = this.#s.deadlines.takeDue(now);
    this.#s.turns = this.#s.turns.filter((t) => t.endMs > now - 1000);
    return due.flatMap((d) => d.run(now));
  }

  /** Withdraws a speculative exchange whose call turned out not to be over. */
  withdraw(draft: ExchangeDraft, now: Milliseconds): EngineAction[] {
    const s = this.#s;
    for (const [id, p] of s.pending) if (p.draft === draft) s.pending.delete(id);
    s.deadlines.dropDraft(draft);
    const out: EngineAction[] = [];
    for (const t of s.turns) if (t.startMs > now) out.push(...silenceTurn(t, now));
    s.turns = s.turns.filter((t) => t.startMs <= now);
    return out;
  }

  /** Stops everything: pending generations, future notes, sounding notes, the loop. */
  stopAll(now: Milliseconds): EngineAction[] {
    const s = this.#s;
    s.pending.clear();
    s.deadlines.clear();
    const out = s.turns.flatMap((t) => silenceTurn(t, now));
    s.turns = [];
    if (s.loopDraft && s.loopDraft.turns.length > 0) out.push(emitExchange(s.loopDraft, this.ctx));
    s.loopDraft = undefined;
    return out;
  }

  /** Undo: see response-replay.ts. */
  replayPrevious(targetBar: number, now: Milliseconds): EngineAction[] {
    return replayPrevious(this.#s, this.ctx, this.#request, targetBar, now);
  }

  /** Starts repeating the latest turn (loop-the-response), from its end on. */
  repeatLatest(): EngineAction[] {
    if (this.#s.lastTurn) scheduleRepeat(this.#s, this.ctx, this.#s.lastTurn.turn);
    return [];
  }

  stopRepeats(now: Milliseconds): EngineAction[] {
    return stopRepeats(this.#s, now);
  }

  /** What follows a turn: the chain's second voice, the loop's next, a repeat; or the exchange is complete. */
  #follow(pending: Pending, turn: Turn, events: Uint16Array): EngineAction[] {
    const p = this.ctx.params();
    if (p.mode === 'chain' && pending.purpose === 'human' && p.voices.length > 1) {
      return this.request({
        voiceIndex: 1,
        targetBar: turn.startBar + turn.bars,
        bars: p.responseBars || pending.bars,
        primer: events,
        purpose: 'chain',
        draft: pending.draft,
      });
    }
    if (p.mode === 'loop' && p.voices.length > 1 && (pending.purpose === 'human' || pending.purpose === 'loop'))
      return continueLoop(this.#s, this.ctx, this.#request, pending, turn, events);
    if (p.loopResponse) scheduleRepeat(this.#s, this.ctx, turn);
    return emitDraft(pending.draft, this.ctx, this.#s.deadlines);
  }
}
