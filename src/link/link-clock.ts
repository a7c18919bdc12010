import type { TickTimeline } from '../clock/tick-timeline.js';
import type { TransportState } from '../clock/transport.js';
import type { Meter, Milliseconds, Ticks } from '../clock/units.js';
import { FOUR_FOUR, TICKS_PER_BEAT, bpm, ms, ticks, ticksPerBar } from '../clock/units.js';
import { LinkFollower, type LinkFollowerOptions, type LinkTimelineChange } from './link-follower.js';
import type { LinkSample } from './link-session.js';

/** The Link session's transport as the box's song: started on a bar line, or stopped. */
export type LinkTransportEvent = { readonly kind: 'start'; readonly songStartTick: Ticks } | { readonly kind: 'stop' };

export interface LinkClockOptions {
  readonly meter?: Meter;
  readonly follower?: LinkFollowerOptions;
  /**
   * A play state seen this soon (ms) after a bar line started on that bar line: samples come
   * a few milliseconds late, and a peer that starts on a bar (Live does) should not be heard
   * a bar late.
   */
  readonly startGraceMs?: number;
}

/** Link's quantum for a meter: the bar length in quarter notes. */
export const quantumOf = (meter: Meter): number => ticksPerBar(meter) / TICKS_PER_BEAT;

/**
 * The box's song on a Link session's timeline. Song position 0 is the Link bar line (a whole
 * multiple of the quantum, which is the box's bar length) on which the session started
 * playing, so the box's bars are Link's bars. Pure: fed samples, asked at a time.
 */
export class LinkClock {
  readonly follower: LinkFollower;
  readonly meter: Meter;
  private songStartTick: Ticks | undefined;
  private stoppedAt: Ticks = ticks(0);
  private gridJumped = false;
  private readonly transportListeners: ((event: LinkTransportEvent) => void)[] = [];

  constructor(private readonly options: LinkClockOptions = {}) {
    this.meter = options.meter ?? FOUR_FOUR;
    this.follower = new LinkFollower(options.follower);
    this.follower.onChange((why) => {
      if (why === 'jump') this.gridJumped = true;
    });
  }

  get quantum(): number {
    return quantumOf(this.meter);
  }

  onTransport(listener: (event: LinkTransportEvent) => void): void {
    this.transportListeners.push(listener);
  }

  onTimelineChange(listener: (why: LinkTimelineChange) => void): void {
    this.follower.onChange(listener);
  }

  add(sample: LinkSample): void {
    const was = this.follower.newest;
    const before = this.follower.timeline;
    this.follower.add(sample);
    if (this.gridJumped) {
      this.gridJumped = false;
      this.keepBars(before, sample.atMs);
    }
    if (sample.playing && !(was?.playing ?? false)) this.started(sample);
    else if (!sample.playing && (was?.playing ?? false)) this.stopped(sample);
  }

  /** Link's tick grid (tick = Link beat x 24) on the monotonic clock. */
  get timeline(): TickTimeline | undefined {
    return this.follower.timeline;
  }

  get playing(): boolean {
    return this.follower.newest?.playing ?? false;
  }

  get peers(): number {
    return this.follower.newest?.peers ?? 0;
  }

  /** The Link tick that is song position 0, while playing. */
  get songStart(): Ticks | undefined {
    return this.playing ? this.songStartTick : undefined;
  }

  transportAt(nowMs: number): TransportState {
    const tempo = this.follower.linkTempo ?? bpm(120);
    const line = this.timeline;
    const start = this.songStart;
    if (!line || start === undefined) return { running: false, position: this.stoppedAt, tempo, meter: this.meter };
    return {
      running: true,
      position: ticks(Math.max(0, Math.floor(line.tickAt(ms(nowMs)) - start + 1e-9))),
      tempo,
      meter: this.meter,
    };
  }

  /** Time of a song position on Link's timeline, while the session plays. */
  timeOfPosition(position: Ticks): Milliseconds | undefined {
    const line = this.timeline;
    const start = this.songStart;
    return line && start !== undefined ? line.timeOfTick(ticks(start + position)) : undefined;
  }

  /**
   * Link renumbered its beats under a playing song (a session merge): the song start moves to
   * the bar line nearest where it now lies, so the song's bars stay Link's bars and its
   * position moves by less than half a bar instead of by however many beats Link jumped.
   */
  private keepBars(before: TickTimeline | undefined, atMs: number): void {
    const after = this.timeline;
    const start = this.songStartTick;
    if (!before || !after || start === undefined) return;
    const barTicks = ticksPerBar(this.meter);
    const moved = after.tickAt(ms(atMs)) - before.tickAt(ms(atMs));
    this.songStartTick = ticks(Math.round((start + moved) / barTicks) * barTicks);
  }

  private started(sample: LinkSample): void {
    const line = this.timeline;
    if (!line) return;
    const barTicks = ticksPerBar(this.meter);
    const seen = line.tickAt(ms(sample.atMs - (this.options.startGraceMs ?? 30)));
    this.songStartTick = ticks(Math.ceil(seen / barTicks - 1e-9) * barTicks);
    this.tell({ kind: 'start', songStartTick: this.songStartTick });
  }

  private stopped(sample: LinkSample): void {
    const line = this.timeline;
    const start = this.songStartTick;
    if (line && start !== undefined) this.stoppedAt = ticks(Math.max(0, Math.floor(line.tickAt(sample.atMs) - start)));
    this.songStartTick = undefined;
    this.tell({ kind: 'stop' });
  }

  private tell(event: LinkTransportEvent): void {
    for (const listen of this.transportListeners) listen(event);
  }
}
