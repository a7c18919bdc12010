import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import { LinkSource, type LinkSourceOptions } from '../link/link-source.js';
import type { LinkSession } from '../link/link-session.js';
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
/**
 * Who sets the song's time, in priority order: an external MIDI clock (a cable someone
 * plugged in to be followed), then a Link session (enabled in the config), then the box's
 * own master. `mode` governs only MIDI clock; Link is on whenever a session is given.
 */
export type ClockSource = 'external' | 'link' | 'internal';

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
  /** A Link session to follow and lead while no external MIDI clock is followed. */
  readonly link?: { readonly session: LinkSession } & LinkSourceOptions;
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
  private linkSource: LinkSource | undefined;
  private mode: ClockMode;
  private current: ClockSource;
  private readonly sourceListeners: ((source: ClockSource) => void)[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ClockServiceOptions,
  ) {
    this.master = new MasterClock(scheduler, {
      tempo: options.tempo,
      outputs: options.outputs,
      ...(options.meter ? { meter: options.meter } : {}),
    });
    this.follower = new ClockFollower({ ...options.follower, ...(options.meter ? { meter: options.meter } : {}) });
    this.mode = options.mode ?? 'auto';
    this.current = this.mode === 'external' ? 'external' : 'internal';
    if (options.link) this.joinLink(options.link);
  }

  /** The Link source, once a session was given. */
  get link(): LinkSource | undefined {
    return this.linkSource;
  }

  /**
   * Adds a Link session as a source (the box opens it only after the service is built);
   * call it once, before `begin`.
   */
  joinLink(link: { readonly session: LinkSession } & LinkSourceOptions): LinkSource {
    if (this.linkSource) throw new Error('ClockService already has a Link session');
    const { session, ...linkOptions } = link;
    const meter = this.options.meter;
    const source = new LinkSource(session, this.master, () => this.scheduler.nowMs(), {
      ...linkOptions,
      ...(meter ? { meter } : {}),
    });
    source.onFailure(() => {
      if (this.current !== 'link') return;
      // The master is already ticking on Link's last grid: it simply carries on alone.
      this.switchTo('internal');
    });
    this.linkSource = source;
    return source;
  }

  /** Joins Link (if given), then leads (internal, auto) or waits for an external clock (external). */
  begin(): void {
    this.link?.session.enable();
    if (this.current === 'external') this.watch();
    else if (this.link?.usable) this.useLink();
    else this.master.run();
  }

  private useLink(): void {
    this.link?.bridge.attach();
    this.switchTo('link');
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
    if (mode === 'external' && this.current !== 'external') this.follow();
  }

  /** State of the follower (idle/searching/locked/freewheel/lost) at the current time. */
  get followerState(): FollowerState {
    return this.follower.status(this.scheduler.nowMs()).state;
  }

  get transport(): TransportState {
    if (this.current === 'link' && this.link) return this.link.transport;
    return this.current === 'internal' ? this.master.transport : this.follower.status(this.scheduler.nowMs()).transport;
  }

  timeOfPosition(position: Ticks): Milliseconds | undefined {
    if (this.current === 'link' && this.link) return this.link.timeOfPosition(position);
    return this.current === 'internal' ? this.master.timeOfPosition(position) : this.follower.timeOfPosition(position);
  }

  /**
   * The box's tempo control: sets the master's tempo, or the Link session's (every peer
   * follows). False while following MIDI clock: that tempo is the other box's.
   */
  setTempo(tempo: number): boolean {
    if (this.current === 'external') return false;
    if (this.current === 'link' && this.link) this.link.setTempo(tempo);
    else this.master.setTempo(tempo);
    return true;
  }

  /** The box's transport: the master's Start/Stop, or the Link session's play state (peers follow with start/stop sync). */
  setPlaying(playing: boolean): boolean {
    if (this.current === 'external') return false;
    if (this.current === 'link' && this.link) this.link.setPlaying(playing);
    else if (playing) this.master.start();
    else this.master.stop();
    return true;
  }

  /** Feed every clock-relevant message from inputs with the clock-in role. */
  receive(timed: TimedMidiMessage): void {
    const m = timed.message;
    if (!isClockMessage(m) || this.mode === 'internal') return;
    // Start/Continue/SPP announce an external master as surely as F8 does.
    if (this.current !== 'external') this.follow();
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
    this.link?.bridge.detach();
    this.master.halt();
    this.switchTo('external');
    this.watch();
  }

  private leadFromFollower(): void {
    const now = this.scheduler.nowMs();
    const status = this.follower.status(now);
    this.scheduler.cancel(WATCHDOG_TAG);
    if (this.link?.usable) {
      // Link outranks the internal master: the song goes on at the session's tempo and phase.
      this.useLink();
      return;
    }
    this.current = 'internal';
    const timeline = status.timeline;
    if (timeline && status.tempo !== undefined) {
      const nextTick = timeline.nextTickAtOrAfter(ms(now));
      // Ticks the follower freewheeled through count: the song kept going without them.
      const missed = nextTick - timeline.anchorTick - 1;
      const position = ticks(status.transport.position + (status.transport.running ? missed : 0));
      this.master.takeOver(timeline.timeOfTick(nextTick), status.tempo, {
        running: status.transport.running,
        position,
      });
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
  return (
    m.type === 'clock' || m.type === 'start' || m.type === 'stop' || m.type === 'continue' || m.type === 'songPosition'
  );
}
