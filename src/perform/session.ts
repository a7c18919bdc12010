import type { Scheduler } from '../clock/scheduler.js';
import { Priority } from '../clock/scheduler.js';
import type { Milliseconds } from '../clock/units.js';
import { ms, ticks } from '../clock/units.js';
import type { MidiMessage } from '../midi/message.js';
import type { Control, PerformanceEngine } from './engine.js';
import type { EngineAction, EngineState, Exchange, TimelineView } from './engine-types.js';
import type { GenerationRequest, ResponseGenerator } from './generator-port.js';
import { SchedulerNoteSink, emptySendTiming, type SendTiming, type TimedNoteSink } from './note-sink.js';
import { PlacedNotes } from './placed-notes.js';

/** The part of pino the session uses. */
export interface PerformLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  debug(fields: object, msg: string): void;
}

export interface SessionOptions {
  readonly scheduler: Scheduler;
  readonly view: TimelineView;
  readonly engine: PerformanceEngine;
  readonly generators: ReadonlyMap<string, ResponseGenerator>;
  /** Sends one message to where `voice` plays. */
  readonly send: (message: MidiMessage, voice: string) => void;
  /**
   * The lookahead queue the engine's notes are handed to as soon as they are known (the box's
   * output thread). Absent: the scheduler's own queue, sending through `send`.
   */
  readonly notes?: TimedNoteSink;
  readonly onExchange: (exchange: Exchange) => void;
  readonly onState?: (state: EngineState) => void;
  /** After each response and each undo: how many responses undo can go back to. */
  readonly onHistory?: (depth: number) => void;
  /** A response slipped by `bars` whole bars. */
  readonly onSlip?: (voice: string, bars: number) => void;
  /** A generation finished: which model, how many steps it fed and generated, and what it cost. */
  readonly onGenerated?: (info: { readonly model: string; readonly steps: number; readonly ms: number }) => void;
  readonly log: PerformLog;
  /**
   * On a virtual clock a generation takes no time; this says how long it should be taken
   * to last, so slipping can be tested. Absent: the measured time counts.
   */
  readonly generationCostMs?: (request: GenerationRequest) => number;
}

/**
 * The engine's shell: feeds it time (every MIDI clock tick of the timeline), runs the
 * generations it asks for, hands its notes to the lookahead queue, and hands finished
 * exchanges to the recorder. A generation's result reaches the engine at the instant it
 * finished, so the engine's slip rule sees the true (or, on a virtual clock, the modelled) cost.
 *
 * Queued notes are placed by song tick: on every tick the session maps them to time again
 * and moves the ones the timeline moved (a followed clock's tempo change), so an answer
 * handed over bars ahead still lands on the beat.
 */
export class PerformanceSession {
  #running = false;
  #generations = 0;
  #nextNoteId = 0;
  readonly #placed = new PlacedNotes();
  readonly #notes: TimedNoteSink;
  readonly #schedulerSink: SchedulerNoteSink | undefined;

  constructor(private readonly opts: SessionOptions) {
    this.#schedulerSink = opts.notes ? undefined : new SchedulerNoteSink(opts.scheduler, opts.send);
    this.#notes = opts.notes ?? (this.#schedulerSink as SchedulerNoteSink);
  }

  /** How late notes left the main thread's scheduler (empty when an output thread sends them). */
  get sendTiming(): SendTiming {
    return this.#schedulerSink?.timing ?? emptySendTiming();
  }

  get engine(): PerformanceEngine {
    return this.opts.engine;
  }

  /** In-flight generations (tests await them; the box never needs to). */
  get generating(): number {
    return this.#generations;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#tickFrom(this.opts.scheduler.nowMs());
  }

  stop(): void {
    this.#running = false;
    this.opts.scheduler.cancel('perform-tick');
  }

  hit(pitch: number, velocity: number, atMs: number): void {
    this.#apply(this.opts.engine.hit(pitch, velocity, ms(atMs), this.#now()));
  }

  control(c: Control): void {
    this.#apply(this.opts.engine.control(c, this.#now()));
  }

  #now(): Milliseconds {
    return ms(this.opts.scheduler.nowMs());
  }

  #tickFrom(fromMs: number): void {
    const { view, scheduler } = this.opts;
    const next = Math.floor(view.tickAt(ms(fromMs)) + 1e-9) + 1;
    scheduler.callAt(
      view.timeOfTick(ticks(next)),
      (at) => {
        if (!this.#running) return;
        this.#apply(this.opts.engine.advance(ms(at)));
        this.#notes.move(this.#placed.retime(at, (t) => view.timeOfTick(t)));
        this.#tickFrom(at);
      },
      Priority.note,
      'perform-tick',
    );
  }

  #apply(actions: readonly EngineAction[]): void {
    const { log, view } = this.opts;
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          if (a.tag === undefined) this.#notes.sendNow(a.message, a.voice);
          else {
            const id = ++this.#nextNoteId;
            this.#placed.add(id, a.tick ?? view.tickAt(a.atMs), a.tag, a.atMs);
            this.#notes.sendAt({ id, message: a.message, voice: a.voice, atMs: a.atMs, tag: a.tag });
          }
          break;
        case 'cancel':
          this.#notes.cancel(a.tag, a.fromMs);
          this.#placed.cancel(a.tag, a.fromMs);
          break;
        case 'generate':
          void this.#generate(a.id, a.model, a.request);
          break;
        case 'exchange':
          this.opts.onExchange(a.exchange);
          break;
        case 'state':
          this.opts.onState?.(a.state);
          break;
        case 'slip':
          this.opts.onSlip?.(a.voice, a.bars);
          break;
        case 'history':
          this.opts.onHistory?.(a.depth);
          break;
        case 'log':
          log[a.level](a.fields, a.msg);
          break;
      }
    }
  }

  async #generate(id: number, model: string, request: GenerationRequest): Promise<void> {
    const { scheduler, engine } = this.opts;
    const generator = this.opts.generators.get(model);
    const started = this.#now();
    this.#generations++;
    try {
      if (!generator) throw new UnknownModel(model);
      const result = await generator.generate(request);
      const measured = this.#now() - started;
      const cost = this.opts.generationCostMs?.(request) ?? measured;
      const finished = ms(started + Math.max(cost, measured));
      this.opts.log.debug({ id, model, steps: request.steps, generationMs: Math.round(cost * 10) / 10 }, 'generated');
      this.opts.onGenerated?.({ model, steps: request.primer.length + request.steps, ms: cost });
      scheduler.callAt(
        finished,
        () => this.#apply(engine.generated(id, result, started, finished)),
        Priority.transport,
      );
    } catch (e) {
      this.#apply(engine.generationFailed(id, e as Error, this.#now()));
    } finally {
      this.#generations--;
    }
  }
}

/** A voice names a model the box has not loaded. */
export class UnknownModel extends Error {
  override readonly name = 'UnknownModel';
  constructor(readonly model: string) {
    super(`no model named '${model}' is loaded`);
  }
}
