import type { Scheduler } from '../clock/scheduler.js';
import type { ParameterStore } from '../control/parameter-store.js';
import type { MidiMessage } from '../midi/message.js';
import type { Exchange } from '../perform/engine-types.js';
import type { TimedNoteSink } from '../perform/note-sink.js';
import type { Logger } from '../system/log.js';
import type { BoxClock } from './box-clock.js';
import type { BoxTransport } from './box-transport.js';
import { startBeats, stopBeats } from './beat-events.js';
import type { BusState } from './bus-state.js';
import { reportExchange } from './exchange-report.js';
import { PerformanceCore } from './performance-core.js';
import type { LoadedVoices } from './voices.js';

export interface BoxPerformanceOptions {
  readonly scheduler: Scheduler;
  readonly clock: BoxClock;
  readonly voices: LoadedVoices;
  readonly params: ParameterStore;
  readonly seed: number;
  readonly log: Logger;
  readonly notes: TimedNoteSink;
  readonly send: (message: MidiMessage, voice: string) => void;
  /** Writes an exchange's file (the recorder). */
  readonly record: (exchange: Exchange) => Promise<string | undefined>;
  readonly transport: BoxTransport;
  readonly bus: BusState;
  readonly clockChanged: () => void;
}

/**
 * The box once it plays: the engine in its shell, the demo, hits from the human, beat events,
 * and each exchange reported on its downbeat. Made by Box.start when the clock and the models
 * are ready.
 */
export class BoxPerformance {
  readonly core: PerformanceCore;
  #stopped = false;

  constructor(private readonly o: BoxPerformanceOptions) {
    const { scheduler, bus } = o;
    this.core = new PerformanceCore({
      scheduler,
      view: o.clock.timeline,
      voices: o.voices,
      params: o.params.state,
      seed: o.seed,
      log: o.log,
      notes: o.notes,
      send: o.send,
      emit: (e) => bus.emit(e),
      onExchange: (x) =>
        reportExchange(x, {
          scheduler,
          view: () => o.clock.timeline,
          record: o.record,
          emit: (e) => bus.emit(e),
          problem: (level, code, message) => bus.problem(level, code, message),
          exchanged: (e) => this.core.exchanged(e),
        }),
      onUndoDepth: (depth) => o.transport.undoDepth(depth),
    });
  }

  /** A hit from the human. Stopped, the box does not listen (thru still plays the human's pad). */
  hit(pitch: number, velocity: number, atMs: number, from: string): void {
    if (!this.o.transport.playing) return;
    if (this.o.bus.snapshot.demo && from === 'din') this.setDemo(false);
    const at = Math.min(this.o.scheduler.nowMs(), atMs);
    this.o.bus.emit({ kind: 'hit', hit: { pitch, velocity, atMs: at } });
    this.core.hit(pitch, velocity, at);
  }

  /** The demo plays while no human is there; a human's arrival (or a DIN hit) stops it. */
  setDemo(on: boolean): void {
    if (this.o.bus.snapshot.demo === on) return;
    if (on) this.core.startDemo();
    else this.core.stopDemo();
    this.o.bus.emit({ kind: 'demo', on });
  }

  /** Beat events on the box's timeline from now on; none while the transport is stopped. */
  startBeats(): void {
    const { scheduler, clock, bus } = this.o;
    stopBeats(scheduler);
    startBeats(scheduler, clock.timeline, scheduler.nowMs(), (bar, beat, atMs) => {
      if (this.#stopped || !this.o.transport.playing) return;
      bus.emit({ kind: 'beat', bar, beat, atMs });
      // A followed clock drifts in tempo: say so when it has moved by half a BPM.
      if (Math.abs(clock.timeline.tempo() - bus.snapshot.clock.tempo) >= 0.5) this.o.clockChanged();
    });
  }

  /** The demo off, a panic (note-offs on every output), and the engine stopped. */
  stop(): void {
    this.#stopped = true;
    this.setDemo(false);
    this.core.control({ kind: 'panic' });
    this.core.stop();
  }
}
