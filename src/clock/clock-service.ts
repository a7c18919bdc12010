import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import { encodeMessage } from '../midi/encoder.js';
import { ClockFollower, type FollowerOptions, type FollowerState } from './follower.js';
import { MasterClock } from './master-clock.js';
import type { MidiOut } from './midi-out.js';
import { Priority, type Scheduler } from './scheduler.js';
import type { TransportState } from './transport.js';
import type { Bpm, Meter, Milliseconds, Ticks } from './units.js';
import { ms, steps, ticks } from './units.js';

/** auto: follow an external clock while one is present, lead otherwise. */
export type ClockMode = 'auto' | 'internal' | 'external';
export type ClockSource = 'internal' | 'external';

export interface ClockServiceOptions {
  readonly tempo: Bpm;
  readonly meter?: Meter;
  /** Outputs with the clock-out role, read on every use so replugs count. */
  readonly outputs: () => readonly MidiOut[];
  readonly mode?: ClockMode;
  /** Pass incoming clock and transport bytes straight to the clock outputs. */
  readonly thru?: boolean;
  readonly follower?: FollowerOptions;
  /** How often, while following, to check for a lost clock. */
  readonly watchdogMs?: number;
}

const WATCHDOG_TAG = 'clock-watchdog';

/**
 * The box's one clock: the internal master or the external follower, chosen by `mode`. The
 * engine reads song positions' times from it (see masterClockTimeline) and re-times its own
 * queued notes when they move. When a followed clock is lost in auto mode, the master takes
 * over at the follower's tempo and phase: the band does not hear the handover.
 */
export class ClockService {
  readonly master: MasterClock;
  readonly follower: ClockFollower;
  private mode: ClockMode;
  private current: ClockSource;
  private readonly sourceListeners: ((source: ClockSource) => void)[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ClockServiceOptions,
  ) {
    this.master = new MasterClock(scheduler, { tempo: options.tempo, outputs: options.outputs, ...(options.meter ? { meter: options.meter } : {}) });
    this.follower = new ClockFollower({ ...options.follower, ...(options.meter ? { meter: options.meter } : {}) });
    this.mode = options.mode ?? 'auto';
    this.current = this.mode === 'external' ? 'external' : 'internal';
  }

  /** Starts leading (internal, auto) or waiting for an external clock (external). */
  begin(): void {
    if (this.current === 'internal') this.master.run();
    else this.watch();
  }

  get source(): ClockSource {
    return this.current;
  }

  /** Called whenever the box switches between leading and following (for the log). */
  onSourceChange(listener: (source: ClockSource) => void): void {
    this.sourceListeners.push(listener);
  }

  private switchTo(source: ClockSource): void {
    this.current = source;
    for (const listen of this.sourceListeners) listen(source);
  }

  get clockMode(): ClockMode {
    return this.mode;
  }

  setMode(mode: ClockMode): void {
    this.mode = mode;
    if (mode === 'internal' && this.current === 'external') this.leadFromFollower();
    if (mode === 'external' && this.current === 'internal') this.follow();
  }

  /** State of the follower (idle/searching/locked/freewheel/lost) at the current time. */
  get followerState(): FollowerState {
    return this.follower.status(this.scheduler.nowMs()).state;
  }

  get transport(): TransportState {
    return this.current === 'internal' ? this.master.transport : this.follower.status(this.scheduler.nowMs()).transport;
  }

  timeOfPosition(position: Ticks): Milliseconds | undefined {
    return this.current === 'internal' ? this.master.timeOfPosition(position) : this.follower.timeOfPosition(position);
  }

  /**
   * @deprecated The note queue it cleared is gone (the engine's PlacedNotes re-times queued
   * notes); kept only until the box assembly stops calling it.
   */
  clearPendingNotes(): void {
    // Nothing is queued here any more.
  }

  /** Feed every clock-relevant message from inputs with the clock-in role. */
  receive(timed: TimedMidiMessage): void {
    const m = timed.message;
    if (!isClockMessage(m) || this.mode === 'internal') return;
    // Start/Continue/SPP announce an external master as surely as F8 does.
    if (this.current === 'internal') this.follow();
    switch (m.type) {
      case 'clock':
        this.follower.clock(timed.timeMs);
        break;
      case 'start':
        this.follower.start();
        break;
      case 'stop':
        this.follower.stop();
        break;
      case 'continue':
        this.follower.continue();
        break;
      case 'songPosition':
        this.follower.songPosition(steps(m.position));
        break;
    }
    if (this.options.thru && this.current === 'external') {
      const bytes = encodeMessage(m);
      for (const out of this.options.outputs()) out.send(bytes);
    }
  }

  private follow(): void {
    this.master.halt();
    this.switchTo('external');
    this.watch();
  }

  private leadFromFollower(): void {
    const now = this.scheduler.nowMs();
    const status = this.follower.status(now);
    this.scheduler.cancel(WATCHDOG_TAG);
    this.current = 'internal';
    const timeline = status.timeline;
    if (timeline && status.tempo !== undefined) {
      const nextTick = timeline.nextTickAtOrAfter(ms(now));
      // Ticks the follower freewheeled through count: the song kept going without them.
      const missed = nextTick - timeline.anchorTick - 1;
      const position = ticks(status.transport.position + (status.transport.running ? missed : 0));
      this.master.takeOver(timeline.timeOfTick(nextTick), status.tempo, { running: status.transport.running, position });
    } else {
      this.master.run(now);
    }
    // Told after the takeover, so listeners read the tempo the master now leads at.
    this.switchTo('internal');
  }

  private watch(): void {
    const period = this.options.watchdogMs ?? 10;
    this.scheduler.cancel(WATCHDOG_TAG);
    const check = (at: number): void => {
      if (this.current !== 'external') return;
      if (this.mode === 'auto' && this.follower.status(at).state === 'lost') {
        this.leadFromFollower();
        return;
      }
      this.scheduler.callAt(at + period, check, Priority.note, WATCHDOG_TAG);
    };
    this.scheduler.callAt(this.scheduler.nowMs() + period, check, Priority.note, WATCHDOG_TAG);
  }
}

function isClockMessage(m: MidiMessage): boolean {
  return m.type === 'clock' || m.type === 'start' || m.type === 'stop' || m.type === 'continue' || m.type === 'songPosition';
}
