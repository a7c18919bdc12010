import type { Milliseconds } from '../clock/units.js';
import { TICKS_PER_STEP, ticks } from '../clock/units.js';
import { CallCapture, eventsOf, placeHit, type PlacedHit } from './call-capture.js';
import {
  noEngineStats,
  type CallEndReason,
  type EngineAction,
  type EngineState,
  type EngineStats,
  type TimelineView,
} from './engine-types.js';
import type { GenerationResult } from './generator-port.js';
import { callFeelGroove, type Groove } from '../groove/groove.js';
import { DEFAULT_PARAMS, type PerformParams, type VoiceSettings } from './params.js';
import { ResponsePipeline, type ExchangeDraft, type ModelInfo } from './response-pipeline.js';
import { barTime, nextBarAfter } from './bars.js';

/** A control gesture: a button, a pad, a CC or the panel, already decoded. */
export type Control =
  | { readonly kind: 'endCall' }
  | { readonly kind: 'panic' }
  | { readonly kind: 'mutate' }
  /** Stop: silence now, ignore hits and start nothing until play; play: listen again on a fresh song. */
  | { readonly kind: 'transport'; readonly playing: boolean }
  /** The previous response again, from the next bar line. */
  | { readonly kind: 'undo' }
  | { readonly kind: 'loopResponse'; readonly on: boolean }
  | { readonly kind: 'set'; readonly params: Partial<Omit<PerformParams, 'voices'>> }
  | { readonly kind: 'voice'; readonly voice: string; readonly settings: Partial<Omit<VoiceSettings, 'name'>> };

export interface EngineOptions {
  readonly view: TimelineView;
  readonly models: ReadonlyMap<string, ModelInfo>;
  readonly params?: PerformParams;
  readonly groove?: Groove;
}

/**
 * The call-and-response performance engine: human hits and controls in, timed MIDI and
 * generation requests out. Pure: time arrives as arguments, the clock and the models are
 * outside; the shell runs the generations and the scheduler.
 *
 * A call starts at the bar line on or before its first hit. Before each bar line, by the
 * estimated generation time plus a safety margin, the engine decides whether the call ends
 * there (a silent bar, the end-call control, or the maximum length); if so it asks for the
 * response at once so it can start on that very bar line. A silence ending is a guess until
 * the bar line: a hit before it withdraws the response and the call goes on. A response
 * that would be ready too late slips by whole bars; it is never sent late.
 */
export class PerformanceEngine {
  readonly stats: EngineStats = noEngineStats();
  #params: PerformParams;
  #call: CallCapture | undefined;
  #endRequested = false;
  #checkedBar = -1;
  #humanCall: { events: Uint16Array; feel: readonly PlacedHit[] } | undefined;
  #speculation: { draft: ExchangeDraft; call: CallCapture; startsAtStep: number } | undefined;
  #state: EngineState = 'idle';
  #playing = true;
  readonly #pipeline: ResponsePipeline;
  readonly #view: TimelineView;
  readonly #models: ReadonlyMap<string, ModelInfo>;

  constructor(opts: EngineOptions) {
    this.#params = opts.params ?? DEFAULT_PARAMS;
    this.#view = opts.view;
    this.#models = opts.models;
    this.#pipeline = new ResponsePipeline({
      params: () => this.#params,
      view: opts.view,
      models: opts.models,
      groove: opts.groove ?? callFeelGroove,
      stats: this.stats,
      humanCall: () => this.#humanCall,
    });
  }

  get params(): PerformParams {
    return this.#params;
  }

  get state(): EngineState {
    return this.#state;
  }

  /** False between a transport stop and the next play. */
  get playing(): boolean {
    return this.#playing;
  }

  /** How many responses undo can go back to. */
  get undoDepth(): number {
    return this.#pipeline.undoDepth;
  }

  /** A hit from the human at monotonic time `atMs` (its arrival stamp), seen at `now`. */
  hit(pitch: number, velocity: number, atMs: Milliseconds, now: Milliseconds): EngineAction[] {
    if (!this.#playing) return [];
    const placed = placeHit(pitch, velocity, this.#view.tickAt(atMs));
    const out: EngineAction[] = [];
    const spec = this.#speculation;
    if (spec && placed.step < spec.startsAtStep && now < (spec.draft.firstTurnStartMs ?? Infinity)) {
      // The "silent" bar was not silent after all: take the response back, keep listening.
      this.stats.cancelledSpeculations++;
      out.push(...this.#pipeline.withdraw(spec.draft, now));
      out.push({
        kind: 'log',
        level: 'info',
        msg: 'call continues; response withdrawn',
        fields: { exchange: spec.draft.id },
      });
      this.#speculation = undefined;
      this.#call = spec.call;
      this.#checkedBar = Math.floor(placed.step / this.#view.stepsPerBar);
    } else if (this.#params.mode === 'loop' && (this.#pipeline.busy || this.#pipeline.isPlaying(now)) && !this.#call) {
      out.push({ kind: 'log', level: 'info', msg: 'human breaks into the loop', fields: {} });
      out.push(...this.#pipeline.stopAll(now));
    } else if (this.#params.loopResponse && !this.#call) {
      out.push(...this.#pipeline.stopRepeats(now));
    }
    if (this.#call) this.#call.add(placed);
    else {
      this.#call = new CallCapture(placed, this.#view.stepsPerBar);
      this.#endRequested = false;
    }
    return [...out, ...this.#stateChange(now)];
  }

  control(c: Control, now: Milliseconds): EngineAction[] {
    const out: EngineAction[] = [];
    switch (c.kind) {
      case 'endCall':
        if (!this.#call) break;
        this.#endRequested = true;
        // Pressed after this bar's decision point: end on the coming bar line anyway.
        if (this.#checkedBar === this.#nextBar(now)) out.push(...this.#endCall(this.#checkedBar, 'control', now));
        break;
      case 'panic':
        this.#call = undefined;
        this.#speculation = undefined;
        // Also the box's reset when the song timeline jumps (an external Start): bars counted
        // on the old song must not hold back the decisions on the new one.
        this.#checkedBar = -1;
        this.#params = { ...this.#params, loopResponse: false };
        out.push(...this.#pipeline.stopAll(now), ...this.#allNotesOff(now));
        out.push({ kind: 'log', level: 'warn', msg: 'panic', fields: {} });
        break;
      case 'mutate':
        if (this.#playing) out.push(...this.#mutate(now));
        break;
      case 'transport':
        out.push(...this.#transport(c.playing, now));
        break;
      case 'undo':
        if (!this.#playing) out.push({ kind: 'log', level: 'info', msg: 'undo ignored: stopped', fields: {} });
        else out.push(...this.#pipeline.replayPrevious(this.#nextBar(now + this.#params.safetyMs), now));
        break;
      case 'loopResponse':
        this.#params = { ...this.#params, loopResponse: c.on };
        out.push(...(c.on ? this.#pipeline.repeatLatest() : this.#pipeline.stopRepeats(now)));
        break;
      case 'set':
        this.#params = { ...this.#params, ...c.params };
        break;
      case 'voice': {
        const voices = this.#params.voices.map((v) => (v.name === c.voice ? { ...v, ...c.settings } : v));
        this.#params = { ...this.#params, voices };
        break;
      }
    }
    return [...out, ...this.#stateChange(now)];
  }

  /** Moves the engine's view of time on; call at least once per clock tick or 16th. */
  advance(now: Milliseconds): EngineAction[] {
    if (!this.#playing) return [];
    const out = this.#pipeline.advance(now);
    const call = this.#call;
    const bar = this.#nextBar(now);
    if (call && bar > this.#checkedBar && bar > call.startBar) {
      const voice = this.#params.voices[0];
      const steps = (bar - call.startBar) * this.#view.stepsPerBar;
      // One clock tick more: the decision is only looked at once per tick.
      const tickMs = this.#view.timeOfTick(ticks(1)) - this.#view.timeOfTick(ticks(0));
      const lead =
        tickMs +
        (voice
          ? this.#pipeline.leadMs(voice.model, steps + this.#responseBars(bar - call.startBar) * this.#view.stepsPerBar)
          : 0);
      if (now >= barTime(bar, this.#view) - lead) {
        this.#checkedBar = bar;
        const reason = this.#endReason(call, bar);
        if (reason) out.push(...this.#endCall(bar, reason, now));
      }
    }
    return [...out, ...this.#stateChange(now)];
  }

  generated(
    id: number,
    result: GenerationResult,
    startedAtMs: Milliseconds,
    finishedAtMs: Milliseconds,
  ): EngineAction[] {
    return [...this.#pipeline.generated(id, result, startedAtMs, finishedAtMs), ...this.#stateChange(finishedAtMs)];
  }

  generationFailed(id: number, error: Error, now: Milliseconds): EngineAction[] {
    return [...this.#pipeline.failed(id, error), ...this.#stateChange(now)];
  }

  #endReason(call: CallCapture, bar: number): CallEndReason | undefined {
    const p = this.#params;
    if (this.#endRequested) return 'control';
    if (bar - call.startBar >= p.maxCallBars) return 'max-length';
    if (bar - p.silenceBars > call.startBar && call.silentBetween(bar - p.silenceBars, bar)) return 'silence';
    return undefined;
  }

  #endCall(bar: number, reason: CallEndReason, now: Milliseconds): EngineAction[] {
    const call = this.#call;
    const voice = this.#params.voices[0];
    const model = voice ? this.#models.get(voice.model) : undefined;
    if (!call || !voice || !model) return [];
    this.#call = undefined;
    this.#endRequested = false;
    const p = this.#params;
    const bars = Math.min(
      p.maxCallBars,
      reason === 'silence' ? call.lastHitBar + 1 - call.startBar : bar - call.startBar,
    );
    if (bars < p.minCallBars) {
      this.stats.ignoredCalls++;
      return [{ kind: 'log', level: 'info', msg: 'call too short, ignored', fields: { bars, minBars: p.minCallBars } }];
    }
    const spb = this.#view.stepsPerBar;
    const hits = call.within(bars);
    const events = eventsOf(hits, bars * spb, (x) => model.classOf(x));
    this.#humanCall = { events, feel: hits };
    const notes = call.hits
      .filter((h) => h.step < (call.startBar + bars) * spb)
      .map((h) => ({
        pitch: h.pitch,
        velocity: h.velocity,
        tick: h.tick,
        durationTicks: ticks(p.gateSteps * TICKS_PER_STEP),
      }));
    const draft: ExchangeDraft = {
      id: this.#pipeline.nextDraftId(),
      call: { source: 'human', startBar: call.startBar, bars, endReason: reason, notes, events },
      feel: hits,
      turns: [],
      speculative: reason === 'silence',
      firstTurnStartMs: undefined,
    };
    this.#speculation = reason === 'silence' ? { draft, call, startsAtStep: bar * spb } : undefined;
    const log: EngineAction = {
      kind: 'log',
      level: 'info',
      msg: 'call ended',
      fields: { reason, startBar: call.startBar, bars, hits: hits.length, responseBar: bar, at: Math.round(now) },
    };
    return [
      log,
      ...this.#pipeline.request({
        voiceIndex: 0,
        targetBar: bar,
        bars: this.#responseBars(bars),
        primer: events,
        purpose: 'human',
        draft,
      }),
    ];
  }

  #transport(playing: boolean, now: Milliseconds): EngineAction[] {
    if (playing === this.#playing) return [];
    this.#playing = playing;
    // Either way the song starts afresh: bars counted on the old one mean nothing on the new.
    this.#call = undefined;
    this.#speculation = undefined;
    this.#endRequested = false;
    this.#checkedBar = -1;
    const log: EngineAction = {
      kind: 'log',
      level: 'info',
      msg: playing ? 'transport: play' : 'transport: stop',
      fields: {},
    };
    return playing ? [log] : [...this.#pipeline.stopAll(now), ...this.#allNotesOff(now), log];
  }

  #mutate(now: Milliseconds): EngineAction[] {
    const last = this.#pipeline.lastTurn;
    if (!last) return [{ kind: 'log', level: 'info', msg: 'mutate: nothing to mutate yet', fields: {} }];
    const r = last.record;
    const voice = this.#params.voices[last.voiceIndex];
    const lead = voice ? this.#pipeline.leadMs(voice.model, 2 * r.events.length) : 0;
    const draft: ExchangeDraft = {
      id: this.#pipeline.nextDraftId(),
      call: {
        source: 'mutate',
        startBar: r.startBar,
        bars: r.bars,
        endReason: 'n/a',
        notes: r.notes,
        events: r.events,
      },
      feel: this.#humanCall?.feel ?? [],
      turns: [],
      speculative: false,
      firstTurnStartMs: undefined,
    };
    return this.#pipeline.request({
      voiceIndex: last.voiceIndex,
      targetBar: this.#nextBar(now + lead),
      bars: r.bars,
      primer: r.events,
      purpose: 'mutate',
      draft,
    });
  }

  #allNotesOff(now: Milliseconds): EngineAction[] {
    return this.#params.voices.map((v) => ({
      kind: 'send',
      atMs: now,
      voice: v.name,
      tag: undefined,
      message: { type: 'controlChange', channel: v.channel, controller: 123, value: 0 },
    }));
  }

  #responseBars(callBars: number): number {
    return this.#params.responseBars > 0 ? this.#params.responseBars : callBars;
  }

  /** Index of the first bar line strictly after `now`. */
  #nextBar(now: number): number {
    return nextBarAfter(now, this.#view);
  }

  #stateChange(now: Milliseconds): EngineAction[] {
    const state: EngineState = this.#call
      ? 'listening'
      : this.#pipeline.busy || this.#pipeline.isPlaying(now)
        ? 'responding'
        : 'idle';
    if (state === this.#state) return [];
    this.#state = state;
    return [{ kind: 'state', state }];
  }
}
