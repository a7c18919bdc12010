import type { Milliseconds } from '../clock/units.js';
import type { PlacedHit } from './call-capture.js';
import type { EngineAction, EngineStats, Exchange, RecordedTurn, TimelineView } from './engine-types.js';
import type { GenerationResult, GeneratorState, ResponseGenerator } from './generator-port.js';
import { gridGroove, gridHitsOf, playFeel, type Groove } from '../groove/groove.js';
import type { PerformParams } from './params.js';
import { barTime } from './bars.js';
import { ResponseHistory } from './response-history.js';
import {
  barSpan,
  hitsPerBar,
  moveTurn,
  recordedNotes,
  repeatTurn,
  scheduleHits,
  sendsOf,
  silenceTurn,
  type Turn,
} from './turn.js';

/** What the engine needs to know about a model (the generator itself lives in the shell). */
export type ModelInfo = Pick<ResponseGenerator, 'name' | 'classOf' | 'classPitches'> & {
  /** The feel learned with this model (used while `groove` is 'learned'); absent = the pipeline's default groove. */
  readonly groove?: Groove;
};

export type Purpose = 'human' | 'chain' | 'loop' | 'mutate';

/** An exchange being assembled; emitted when its last turn is known. */
export interface ExchangeDraft {
  readonly id: number;
  readonly call: Exchange['call'];
  /** Hits the groove reads the feel from (the human's, for every turn of the exchange). */
  readonly feel: readonly PlacedHit[];
  readonly turns: RecordedTurn[];
  /** A silence-ended call is a guess until its response starts: a late hit withdraws it. */
  readonly speculative: boolean;
  firstTurnStartMs: Milliseconds | undefined;
}

/** Work due at a time: the loop's next turn, a repeat, or emitting a speculative exchange once it is sure. */
interface Deadline {
  readonly atMs: Milliseconds;
  readonly kind: 'loop' | 'repeat' | 'emit';
  readonly draft?: ExchangeDraft;
  readonly run: (now: Milliseconds) => EngineAction[];
}

export type RequestSpec = Pick<Pending, 'voiceIndex' | 'targetBar' | 'bars' | 'primer' | 'purpose' | 'draft'> &
  Partial<Pick<Pending, 'attempt' | 'reseeded' | 'temperature'>>;

interface Pending {
  readonly id: number;
  readonly voiceIndex: number;
  readonly targetBar: number;
  readonly bars: number;
  readonly primer: Uint16Array;
  readonly temperature: number;
  readonly attempt: number;
  readonly reseeded: boolean;
  readonly purpose: Purpose;
  readonly draft: ExchangeDraft;
}

export interface PipelineContext {
  readonly params: () => PerformParams;
  readonly view: TimelineView;
  readonly models: ReadonlyMap<string, ModelInfo>;
  readonly groove: Groove;
  readonly stats: EngineStats;
  /** The human's latest call, the loop's way back from a death spiral. */
  readonly humanCall: () => { events: Uint16Array; feel: readonly PlacedHit[] } | undefined;
}

/**
 * Generations in flight, turns on the scheduler, and what follows a turn (the chain's second
 * voice, the loop's next voice, a repeat). Pure: returns actions, keeps no timers.
 */
export class ResponsePipeline {
  #nextId = 1;
  #turnCount = 0;
  readonly #pending = new Map<number, Pending>();
  #turns: Turn[] = [];
  #deadlines: Deadline[] = [];
  readonly #state = new Map<string, GeneratorState>();
  readonly #msPerStep = new Map<string, number>();
  #lastTurn: { turn: Turn; record: RecordedTurn; voiceIndex: number; draft: ExchangeDraft } | undefined;
  #loopDraft: ExchangeDraft | undefined;
  readonly #history = new ResponseHistory();

  #draftIds = 0;

  constructor(private readonly ctx: PipelineContext) {}

  /** The next exchange id: counted per engine, so a run's answers (and files) do not depend on what else ran in the process. */
  nextDraftId(): number {
    return ++this.#draftIds;
  }

  get busy(): boolean {
    return this.#pending.size > 0;
  }

  isPlaying(now: Milliseconds): boolean {
    return this.#turns.some((t) => t.endMs > now);
  }

  get lastTurn(): { record: RecordedTurn; voiceIndex: number } | undefined {
    return this.#lastTurn;
  }

  /** Estimated generation time for `totalSteps` (fed + generated) plus the safety margin. */
  leadMs(model: string, totalSteps: number): number {
    const p = this.ctx.params();
    return (this.#msPerStep.get(model) ?? p.initialMsPerStep) * totalSteps * 1.25 + p.safetyMs;
  }

  request(spec: RequestSpec): EngineAction[] {
    const p = this.ctx.params();
    const voice = p.voices[spec.voiceIndex];
    if (!voice) return [{ kind: 'log', level: 'warn', msg: 'no such voice', fields: { voice: spec.voiceIndex } }];
    const id = this.#nextId++;
    const pending: Pending = { attempt: 0, reseeded: false, temperature: voice.temperature, ...spec, id };
    this.#pending.set(id, pending);
    const state = p.carryState ? this.#state.get(voice.name) : undefined;
    const steps = pending.bars * this.ctx.view.stepsPerBar;
    const request = {
      primer: pending.primer,
      steps,
      temperature: pending.temperature,
      beamSize: voice.beamSize,
      topK: voice.topK,
      topP: voice.topP,
      profileWeight: voice.profileWeight,
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
    const pending = this.#pending.get(id);
    if (!pending) return [{ kind: 'log', level: 'debug', msg: 'stale generation dropped', fields: { id } }];
    this.#pending.delete(id);
    const p = this.ctx.params();
    const voice = p.voices[pending.voiceIndex];
    const model = voice ? this.ctx.models.get(voice.model) : undefined;
    if (!voice || !model)
      return [{ kind: 'log', level: 'warn', msg: 'voice or model gone before its response', fields: { id } }];
    this.#measure(voice.model, pending.primer.length + result.events.length, finishedAtMs - startedAtMs);
    const guard = pending.purpose === 'loop' ? this.#loopGuard(pending, result) : undefined;
    if (guard) return guard;
    const { view } = this.ctx;
    let startBar = pending.targetBar;
    while (barTime(startBar, view) - p.safetyMs < finishedAtMs) startBar++;
    const slipped = startBar - pending.targetBar;
    const out: EngineAction[] = [];
    if (slipped > 0) {
      this.ctx.stats.slips++;
      this.ctx.stats.slippedBars += slipped;
      out.push({ kind: 'slip', voice: voice.name, bars: slipped });
      out.push({
        kind: 'log',
        level: 'warn',
        msg: 'response slipped',
        fields: {
          voice: voice.name,
          bars: slipped,
          generationMs: Math.round(finishedAtMs - startedAtMs),
          slips: this.ctx.stats.slips,
        },
      });
    }
    if (p.carryState) this.#state.set(voice.name, result.state);
    const groove =
      p.groove === 'off' ? gridGroove : p.groove === 'learned' && model.groove ? model.groove : this.ctx.groove;
    const felt = playFeel(
      groove.apply(
        gridHitsOf(result.events, model.classPitches),
        pending.draft.feel,
        (x) => model.classOf(x),
        view.stepsPerBar,
      ),
      p,
    );
    const notes = scheduleHits(felt, startBar, view, p.gateSteps);
    const turn: Turn = {
      tag: `turn${++this.#turnCount}`,
      voice: voice.name,
      channel: voice.channel,
      startBar,
      bars: pending.bars,
      notes,
      ...barSpan(startBar, pending.bars, view),
    };
    if (pending.purpose !== 'loop' && pending.purpose !== 'chain') {
      // The conversation moves on: an older response stops where this one begins.
      for (const t of this.#turns) out.push({ kind: 'cancel', tag: `${t.tag}:on`, fromMs: turn.startMs });
      this.#deadlines = this.#deadlines.filter((d) => d.kind === 'emit');
    }
    this.#turns.push(turn);
    out.push(...sendsOf(turn));
    const record: RecordedTurn = {
      voice: voice.name,
      model: model.name,
      startBar,
      bars: pending.bars,
      notes: recordedNotes(notes, p.gateSteps),
      events: result.events,
      temperature: pending.temperature,
      logLikelihood: result.logLikelihood,
      primerLogLikelihood: result.primerLogLikelihood,
      slippedBars: slipped,
    };
    pending.draft.turns.push(record);
    pending.draft.firstTurnStartMs ??= turn.startMs;
    this.#lastTurn = { turn, record, voiceIndex: pending.voiceIndex, draft: pending.draft };
    this.#history.push({ turn, record, voiceIndex: pending.voiceIndex });
    out.push({ kind: 'history', depth: this.#history.depth });
    out.push(responseLog(record, pending));
    out.push(...this.#follow(pending, turn, result.events));
    return out;
  }

  /** A failed generation: logged; the exchange is emitted with whatever it has. */
  failed(id: number, error: Error): EngineAction[] {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    const out: EngineAction[] = [
      { kind: 'log', level: 'warn', msg: 'generation failed', fields: { id, error: error.message } },
    ];
    if (pending && pending.draft.turns.length > 0 && pending.purpose !== 'loop') out.push(...this.#emit(pending.draft));
    return out;
  }

  advance(now: Milliseconds): EngineAction[] {
    const due = this.#deadlines.filter((d) => d.atMs <= now);
    this.#deadlines = this.#deadlines.filter((d) => d.atMs > now);
    this.#turns = this.#turns.filter((t) => t.endMs > now - 1000);
    return due.flatMap((d) => d.run(now));
  }

  /** Withdraws a speculative exchange whose call turned out not to be over. */
  withdraw(draft: ExchangeDraft, now: Milliseconds): EngineAction[] {
    for (const [id, p] of this.#pending) if (p.draft === draft) this.#pending.delete(id);
    this.#deadlines = this.#deadlines.filter((d) => d.draft !== draft);
    const out: EngineAction[] = [];
    for (const t of this.#turns) if (t.startMs > now) out.push(...silenceTurn(t, now));
    this.#turns = this.#turns.filter((t) => t.startMs <= now);
    return out;
  }

  /** Stops everything: pending generations, future notes, sounding notes, the loop. */
  stopAll(now: Milliseconds): EngineAction[] {
    this.#pending.clear();
    this.#deadlines = [];
    const out = this.#turns.flatMap((t) => silenceTurn(t, now));
    this.#turns = [];
    if (this.#loopDraft && this.#loopDraft.turns.length > 0) out.push(emit(this.#loopDraft, this.ctx));
    this.#loopDraft = undefined;
    return out;
  }

  /** How many responses undo can go back to. */
  get undoDepth(): number {
    return this.#history.depth;
  }

  /**
   * Undo: the response before the latest plays again from `targetBar`, and the latest is
   * forgotten. Whatever was due from that bar on (the rest of a response, a repeat, the
   * loop's next turn, a generation in flight) gives way to it, as to any new response; with
   * loop-the-response on it becomes the repeated one, and in loop mode the loop goes on from it.
   */
  replayPrevious(targetBar: number, now: Milliseconds): EngineAction[] {
    const previous = this.#history.back();
    if (!previous) return [{ kind: 'log', level: 'info', msg: 'undo: no earlier response', fields: {} }];
    const { view } = this.ctx;
    const turn = moveTurn(previous.turn, targetBar, `turn${++this.#turnCount}`, view);
    const out: EngineAction[] = [];
    for (const t of this.#turns) out.push(...silenceFrom(t, turn.startMs, now));
    this.#pending.clear();
    this.#deadlines = this.#deadlines.filter((d) => d.kind === 'emit');
    this.#turns.push(turn);
    out.push(...sendsOf(turn));
    const p = this.ctx.params();
    // Mutate and loop-the-response now start from the replayed response.
    if (this.#lastTurn) {
      const record = { ...previous.record, startBar: targetBar, notes: recordedNotes(turn.notes, p.gateSteps) };
      this.#lastTurn = { ...this.#lastTurn, turn, record, voiceIndex: previous.voiceIndex };
    }
    out.push({ kind: 'history', depth: this.#history.depth });
    out.push({
      kind: 'log',
      level: 'info',
      msg: 'undo: the previous response again',
      fields: { voice: turn.voice, startBar: targetBar, bars: turn.bars, hits: turn.notes.length },
    });
    if (p.mode === 'loop' && p.voices.length > 1 && this.#loopDraft) {
      const loopDraft = this.#loopDraft;
      const voiceIndex = (previous.voiceIndex + 1) % p.voices.length;
      this.#deadlines.push({
        atMs: turn.startMs,
        kind: 'loop',
        run: () =>
          this.request({
            voiceIndex,
            targetBar: turn.startBar + turn.bars,
            bars: turn.bars,
            primer: previous.record.events,
            purpose: 'loop',
            draft: loopDraft,
          }),
      });
    } else if (p.loopResponse) this.#scheduleRepeat(turn);
    return out;
  }

  /** Starts repeating the latest turn (loop-the-response), from its end on. */
  repeatLatest(): EngineAction[] {
    const last = this.#lastTurn;
    if (!last) return [];
    this.#scheduleRepeat(last.turn);
    return [];
  }

  stopRepeats(now: Milliseconds): EngineAction[] {
    this.#deadlines = this.#deadlines.filter((d) => d.kind !== 'repeat');
    const out: EngineAction[] = [];
    for (const t of this.#turns) if (t.tag.includes('rep') && t.startMs > now) out.push(...silenceTurn(t, now));
    return out;
  }

  #scheduleRepeat(turn: Turn): void {
    this.#deadlines.push({
      atMs: turn.startMs,
      kind: 'repeat',
      run: () => {
        if (!this.ctx.params().loopResponse) return [];
        const copy = repeatTurn(turn, `${turn.tag}rep`, this.ctx.view);
        this.#turns.push(copy);
        this.#scheduleRepeat(copy);
        return sendsOf(copy);
      },
    });
  }

  #follow(pending: Pending, turn: Turn, events: Uint16Array): EngineAction[] {
    const p = this.ctx.params();
    const nextBar = turn.startBar + turn.bars;
    if (p.mode === 'chain' && pending.purpose === 'human' && p.voices.length > 1) {
      return this.request({
        voiceIndex: 1,
        targetBar: nextBar,
        bars: p.responseBars || pending.bars,
        primer: events,
        purpose: 'chain',
        draft: pending.draft,
      });
    }
    if (p.mode === 'loop' && p.voices.length > 1 && (pending.purpose === 'human' || pending.purpose === 'loop')) {
      const draft = this.#loopRecording(pending.draft);
      const voiceIndex = (pending.voiceIndex + 1) % p.voices.length;
      this.#deadlines.push({
        atMs: turn.startMs,
        kind: 'loop',
        run: () =>
          this.request({ voiceIndex, targetBar: nextBar, bars: pending.bars, primer: events, purpose: 'loop', draft }),
      });
      return draft === pending.draft ? [] : this.#emit(pending.draft);
    }
    if (p.loopResponse) this.#scheduleRepeat(turn);
    return this.#emit(pending.draft);
  }

  /** Emits an exchange for recording; a speculative one waits until its response has begun. */
  #emit(draft: ExchangeDraft): EngineAction[] {
    const at = draft.firstTurnStartMs;
    if (!draft.speculative || at === undefined) return [emit(draft, this.ctx)];
    this.#deadlines.push({ atMs: at, kind: 'emit', draft, run: () => [emit(draft, this.ctx)] });
    return [];
  }

  /** Loop turns are recorded in files of `turnsPerRecording` turns. */
  #loopRecording(current: ExchangeDraft): ExchangeDraft {
    this.#loopDraft = current;
    if (current.turns.length < this.ctx.params().loopGuard.turnsPerRecording) return current;
    const last = current.turns[current.turns.length - 1];
    const next: ExchangeDraft = {
      id: this.nextDraftId(),
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
    this.#loopDraft = next;
    return next;
  }

  #loopGuard(pending: Pending, result: GenerationResult): EngineAction[] | undefined {
    const { loopGuard } = this.ctx.params();
    const density = hitsPerBar(result.events, this.ctx.view.stepsPerBar);
    if (density >= loopGuard.minHitsPerBar && density <= loopGuard.maxHitsPerBar) return undefined;
    const sparse = density < loopGuard.minHitsPerBar;
    const why = { density: Math.round(density * 10) / 10, sparse };
    if (pending.attempt < loopGuard.retries) {
      this.ctx.stats.loopRegenerations++;
      const temperature = Math.max(0.1, Math.min(2, pending.temperature * (sparse ? 1.3 : 0.75)));
      return [
        { kind: 'log', level: 'info', msg: 'loop guard: regenerating', fields: { ...why, temperature } },
        ...this.request({ ...pending, attempt: pending.attempt + 1, temperature }),
      ];
    }
    const human = this.ctx.humanCall();
    if (!pending.reseeded && human) {
      this.ctx.stats.loopReseeds++;
      return [
        { kind: 'log', level: 'warn', msg: 'loop guard: reseeding from the human call', fields: why },
        ...this.request({ ...withoutTemperature(pending), primer: human.events, attempt: 0, reseeded: true }),
      ];
    }
    // The turns already scheduled play out; only the loop stops.
    this.#pending.clear();
    this.#deadlines = [];
    const draft = this.#loopDraft;
    this.#loopDraft = undefined;
    const log: EngineAction = {
      kind: 'log',
      level: 'warn',
      msg: 'loop guard: loop stopped, no usable turn',
      fields: why,
    };
    return draft && draft.turns.length > 0 ? [log, emit(draft, this.ctx)] : [log];
  }

  #measure(model: string, totalSteps: number, elapsedMs: number): void {
    if (totalSteps <= 0 || !(elapsedMs >= 0)) return;
    const sample = elapsedMs / totalSteps;
    const old = this.#msPerStep.get(model);
    // Moves up fast and down slowly: a slow outlier should widen the lead at once.
    this.#msPerStep.set(model, old === undefined ? sample : sample > old ? sample : old * 0.8 + sample * 0.2);
  }
}

/** A turn cut at `fromMs` for the one that replaces it: no note-on from then on; one already sounding ends by its own note-off. */
function silenceFrom(turn: Turn, fromMs: Milliseconds, now: Milliseconds): EngineAction[] {
  return fromMs <= now ? silenceTurn(turn, now) : [{ kind: 'cancel', tag: `${turn.tag}:on`, fromMs }];
}

function withoutTemperature(p: Pending): RequestSpec {
  const { temperature: _t, ...rest } = p;
  return rest;
}

function emit(draft: ExchangeDraft, ctx: PipelineContext): EngineAction {
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

function responseLog(r: RecordedTurn, pending: Pending): EngineAction {
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    kind: 'log',
    level: 'info',
    msg: 'response',
    fields: {
      voice: r.voice,
      model: r.model,
      purpose: pending.purpose,
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
