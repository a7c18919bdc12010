import type { Scheduler } from '../clock/scheduler.js';
import type { ParameterChange, ParameterState } from '../control/parameter-store.js';
import type { MidiMessage } from '../midi/message.js';
import { DemoPerformer } from '../perform/demo-performer.js';
import { PerformanceEngine, type Control } from '../perform/engine.js';
import type { EngineStats, Exchange, TimelineView } from '../perform/engine-types.js';
import type { TimedNoteSink } from '../perform/note-sink.js';
import { PerformanceSession, type PerformLog } from '../perform/session.js';
import type { BoxEvent } from './bus-types.js';
import { engineControl, performParams } from './engine-parameters.js';
import type { LoadedVoices } from './voices.js';

export interface PerformanceCoreOptions {
  readonly scheduler: Scheduler;
  readonly view: TimelineView;
  readonly voices: LoadedVoices;
  readonly params: ParameterState;
  readonly seed: number;
  readonly log: PerformLog;
  readonly notes: TimedNoteSink;
  readonly send: (message: MidiMessage, voice: string) => void;
  readonly emit: (event: BoxEvent) => void;
  readonly onExchange: (exchange: Exchange) => void;
  /** How many responses undo can go back to, whenever that changes. */
  readonly onUndoDepth?: (depth: number) => void;
}

/**
 * The performance engine in its shell, with the demo performer: hits, controls and
 * parameter changes in, bus events out. The engine itself stays pure; this is where its
 * generations run and its notes meet the outputs.
 */
export class PerformanceCore {
  readonly #engine: PerformanceEngine;
  readonly #session: PerformanceSession;
  readonly #demo: DemoPerformer;

  constructor(o: PerformanceCoreOptions) {
    const base = performParams(o.params, o.seed);
    // The first decision uses the boot-time measurement (with headroom); later ones learn.
    const params =
      o.voices.slowestMsPerStep > 0 ? { ...base, initialMsPerStep: o.voices.slowestMsPerStep * 1.5 } : base;
    this.#engine = new PerformanceEngine({ view: o.view, models: o.voices.infos, params });
    this.#session = new PerformanceSession({
      scheduler: o.scheduler,
      view: o.view,
      engine: this.#engine,
      generators: o.voices.generators,
      log: o.log,
      notes: o.notes,
      send: o.send,
      onExchange: o.onExchange,
      onState: (state) => {
        o.log.info({ state }, 'engine state');
        o.emit({ kind: 'engine', state });
      },
      onSlip: (voice, bars) => o.emit({ kind: 'slip', voice, bars }),
      ...(o.onUndoDepth ? { onHistory: o.onUndoDepth } : {}),
      onGenerated: ({ model, steps, ms }) =>
        o.emit({ kind: 'generated', voice: this.#voiceOf(model), model, steps, ms }),
    });
    this.#demo = new DemoPerformer(this.#session, o.scheduler, o.view);
    this.#session.start();
  }

  get generating(): number {
    return this.#session.generating;
  }

  get stats(): EngineStats {
    return this.#engine.stats;
  }

  hit(pitch: number, velocity: number, atMs: number): void {
    this.#session.hit(pitch, velocity, atMs);
  }

  control(c: Control): void {
    this.#session.control(c);
  }

  /** Applies a registry change that is the engine's (tempo is the clock's, and ignored here). */
  parameterChanged(change: ParameterChange): void {
    const c = engineControl(change, this.#engine.params);
    if (c) this.#session.control(c);
  }

  /**
   * The transport: stop silences the engine and it ignores hits until play; play starts it
   * afresh on the (restarted) song, and a running demo plays its next call from there.
   */
  transport(playing: boolean): void {
    // Stopped, the master's timeline has no song position and answers "position 0 is now":
    // a loop placing its next tick on it would be due at once, again and again on a real
    // clock. So the engine's tick loop stops with the transport and starts again with it.
    if (!playing) {
      this.#session.control({ kind: 'transport', playing });
      this.#session.stop();
      return;
    }
    this.#session.start();
    this.#session.control({ kind: 'transport', playing });
    if (this.#demo.running) {
      this.#demo.stop();
      this.#demo.start();
    }
  }

  startDemo(): void {
    this.#demo.start();
  }

  stopDemo(): void {
    this.#demo.stop();
  }

  /** Every confirmed exchange: the demo answers back after it. */
  exchanged(x: Exchange): void {
    this.#demo.exchanged(x);
  }

  stop(): void {
    this.#demo.stop();
    this.#session.stop();
  }

  #voiceOf(model: string): string {
    return this.#engine.params.voices.find((v) => v.model === model)?.name ?? model;
  }
}
