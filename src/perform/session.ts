import type { Scheduler } from '../clock/scheduler.js';
import { Priority } from '../clock/scheduler.js';
import type { Milliseconds } from '../clock/units.js';
import { TICKS_PER_STEP, ms, ticks } from '../clock/units.js';
import type { Role } from '../devices/roles.js';
import type { MidiMessage } from '../midi/message.js';
import type { Control, PerformanceEngine } from './engine.js';
import type { EngineAction, EngineState, Exchange, TimelineView } from './engine-types.js';
import type { GenerationRequest, ResponseGenerator } from './generator-port.js';

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
  /** Sends one message to the devices with `role`, on behalf of `voice`. */
  readonly send: (role: Role, message: MidiMessage, voice: string) => void;
  readonly onExchange: (exchange: Exchange) => void;
  readonly onState?: (state: EngineState) => void;
  readonly log: PerformLog;
  /**
   * On a virtual clock a generation takes no time; this says how long it should be taken
   * to last, so slipping can be tested. Absent: the measured time counts.
   */
  readonly generationCostMs?: (request: GenerationRequest) => number;
}

/**
 * The engine's shell: feeds it time (every MIDI clock tick of the timeline), runs the
 * generations it asks for, puts its notes on the scheduler, and hands finished exchanges
 * to the recorder. A generation's result reaches the engine at the instant it finished,
 * so the engine's slip rule sees the true (or, on a virtual clock, the modelled) cost.
 */
export class PerformanceSession {
  #running = false;
  #generations = 0;
  /** How late scheduled sends left this process (event-loop lateness, before any driver). */
  readonly sendTiming = { sends: 0, maxLateMs: 0, over1ms: 0, over5ms: 0 };

  constructor(private readonly opts: SessionOptions) {}

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
    scheduler.callAt(view.timeOfTick(ticks(next)), (at) => {
      if (!this.#running) return;
      this.#apply(this.opts.engine.advance(ms(at)));
      this.#tickFrom(at);
    }, Priority.note, 'perform-tick');
  }

  #apply(actions: readonly EngineAction[]): void {
    const { scheduler, log } = this.opts;
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          if (a.tag === undefined) this.opts.send(a.role, a.message, a.voice);
          else scheduler.callAt(a.atMs, (at) => this.#sendTimed(a.role, a.message, a.voice, at), Priority.note, a.tag);
          break;
        case 'cancel':
          scheduler.cancel(a.tag, a.fromMs);
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
        case 'log':
          log[a.level](a.fields, a.msg);
          break;
      }
    }
  }

  #sendTimed(role: Role, message: MidiMessage, voice: string, scheduledMs: number): void {
    this.opts.send(role, message, voice);
    const late = this.opts.scheduler.nowMs() - scheduledMs;
    const t = this.sendTiming;
    t.sends++;
    t.maxLateMs = Math.max(t.maxLateMs, late);
    if (late > 1) t.over1ms++;
    if (late > 5) t.over5ms++;
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
      scheduler.callAt(finished, () => this.#apply(engine.generated(id, result, started, finished)), Priority.transport);
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

/** Bars of the timeline as wall time, for logs. */
export const barMs = (view: TimelineView): number =>
  view.timeOfTick(ticks(view.stepsPerBar * TICKS_PER_STEP)) - view.timeOfTick(ticks(0));
