import type { BoxCommand } from '../control/commands.js';
import type { Logger } from '../system/log.js';
import type { BoxEvent, TransportStatus } from './bus-types.js';

type TransportCommand = Extract<BoxCommand, { kind: 'transport' | 'recordArm' }>;

export interface BoxTransportOptions {
  /** The clock's transport: true when the box leads it (MIDI Start/Stop went out), false while following. */
  readonly setClockPlaying: (playing: boolean) => boolean;
  /** The engine's transport (PerformanceCore.transport); absent before the box has started. */
  readonly setEnginePlaying: (playing: boolean) => void;
  /** The recorder's arm switch. */
  readonly recorder: { armed: boolean };
  /**
   * Beat events stop with the transport (a stopped master's timeline has no next beat: a loop
   * placing one on it would spin) and start on the new song's grid after play.
   */
  readonly beats: (on: boolean) => void;
  readonly emit: (event: BoxEvent) => void;
  readonly log: Pick<Logger, 'info'>;
}

/**
 * The box's Play, Record and Undo state: applies the transport and record-arm commands to
 * the clock, the engine and the recorder, and tells the bus. Undo itself is the engine's;
 * its depth comes back through `undoDepth`.
 */
export class BoxTransport {
  #status: TransportStatus;

  constructor(
    private readonly o: BoxTransportOptions,
    initial: TransportStatus,
  ) {
    this.#status = initial;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get playing(): boolean {
    return this.#status.playing;
  }

  command(c: TransportCommand): void {
    if (c.kind === 'recordArm') {
      const armed = c.armed === 'toggle' ? !this.#status.recordArmed : c.armed;
      this.o.recorder.armed = armed;
      this.o.log.info({ armed, source: c.source }, armed ? 'recorder armed' : 'recorder disarmed');
      this.#set({ recordArmed: armed });
      return;
    }
    const playing = c.play === 'toggle' ? !this.#status.playing : c.play;
    if (playing === this.#status.playing) return;
    // The engine stops first, so its note-offs go out before the clock's Stop; on play the
    // clock starts first, so the engine's fresh song begins on the clock's new downbeat.
    if (!playing) {
      this.o.setEnginePlaying(false);
      this.o.beats(false);
    }
    const leads = this.o.setClockPlaying(playing);
    if (playing) {
      this.o.setEnginePlaying(true);
      this.o.beats(true);
    }
    this.o.log.info({ source: c.source, clock: leads ? 'led' : 'followed' }, playing ? 'play' : 'stop');
    this.#set({ playing });
  }

  /**
   * The followed clock's transport moved (a MIDI Stop/Start/Continue from the clock we follow,
   * or Link's play state with start/stop sync): the engine and the beats follow it, the clock
   * is not told (it is the other box's).
   */
  followed(playing: boolean): void {
    if (playing === this.#status.playing) return;
    this.o.setEnginePlaying(playing);
    this.o.beats(playing);
    this.o.log.info({ clock: 'followed' }, playing ? 'play (followed clock started)' : 'stop (followed clock stopped)');
    this.#set({ playing });
  }

  /** The engine's undo history changed. */
  undoDepth(depth: number): void {
    if (depth !== this.#status.undoDepth) this.#set({ undoDepth: depth });
  }

  #set(change: Partial<TransportStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.o.emit({ kind: 'transport', transport: this.#status });
  }
}
