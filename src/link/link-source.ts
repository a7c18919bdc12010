import type { MasterClock } from '../clock/master-clock.js';
import type { TransportState } from '../clock/transport.js';
import type { Bpm, Meter, Milliseconds, Ticks } from '../clock/units.js';
import { checkedBpm } from '../clock/units.js';
import { LinkBridge } from './link-bridge.js';
import { LinkClock, type LinkClockOptions } from './link-clock.js';
import type { LinkSession } from './link-session.js';

export interface LinkSourceOptions extends Omit<LinkClockOptions, 'meter'> {
  /** Share start/stop with peers (Link's start/stop sync); off, the box's transport is its own. */
  readonly startStopSync?: boolean;
}

/**
 * A Link session as one of the ClockService's sources: it follows the session's timeline
 * (LinkClock), leads it (tempo and transport commands go to the session, which every peer
 * shares), and bridges it to MIDI clock through the master clock (LinkBridge) while it is
 * the box's source.
 */
export class LinkSource {
  readonly clock: LinkClock;
  readonly bridge: LinkBridge;
  private failed = false;
  private readonly failureListeners: ((why: string) => void)[] = [];

  constructor(
    readonly session: LinkSession,
    master: MasterClock,
    private readonly nowMs: () => number,
    options: LinkSourceOptions & { readonly meter?: Meter } = {},
  ) {
    this.clock = new LinkClock(options);
    this.bridge = new LinkBridge(master, this.clock, nowMs);
    session.setQuantum(this.clock.quantum);
    session.setStartStopSync(options.startStopSync ?? true);
    session.onSample((sample) => {
      this.clock.add(sample);
      this.bridge.update();
    });
    session.onFailure((why) => {
      this.failed = true;
      this.bridge.detach();
      for (const listen of this.failureListeners) listen(why);
    });
  }

  /** Enabled and alive: the ClockService may pick it. */
  get usable(): boolean {
    return this.session.enabled && !this.failed;
  }

  /** Called once if the session dies; the ClockService falls back to its master. */
  onFailure(listener: (why: string) => void): void {
    this.failureListeners.push(listener);
  }

  get transport(): TransportState {
    return this.clock.transportAt(this.nowMs());
  }

  timeOfPosition(position: Ticks): Milliseconds | undefined {
    return this.clock.timeOfPosition(position);
  }

  setTempo(tempo: number): Bpm {
    const checked = checkedBpm(tempo, 'Link tempo');
    this.session.setTempo(checked);
    return checked;
  }

  setPlaying(playing: boolean): void {
    this.session.setPlaying(playing);
  }
}
