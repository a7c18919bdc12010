import { TickFit } from './tick-fit.js';
import { TickTimeline } from './tick-timeline.js';
import type { TransportState } from './transport.js';
import * as T from './transport.js';
import type { Bpm, Meter, Milliseconds, Steps, Ticks } from './units.js';
import { FOUR_FOUR, MAX_BPM, MIN_BPM, bpm, bpmFromMsPerTick, ms, msPerTick, ticks } from './units.js';

export interface FollowerOptions {
  /** Ticks in the fitting window: longer rejects more jitter, shorter follows ramps faster. */
  readonly window?: number;
  /** Ticks needed before the follower calls itself locked. */
  readonly lockTicks?: number;
  /** Residual (ms RMS) above which the fit is not trusted as locked. */
  readonly maxLockedResidualMs?: number;
  /** Missed periods before the state reads 'freewheel' (the timeline keeps running). */
  readonly freewheelAfterPeriods?: number;
  /** Silence after which the clock is declared lost. */
  readonly lostAfterMs?: number;
  readonly meter?: Meter;
}

export type FollowerState = 'idle' | 'searching' | 'locked' | 'freewheel' | 'lost';

export interface FollowerStatus {
  readonly state: FollowerState;
  /** Estimated tempo, once there is one (kept while freewheeling). */
  readonly tempo: Bpm | undefined;
  readonly transport: TransportState;
  /** Clock-index timeline, from the fit: where the next ticks are expected. */
  readonly timeline: TickTimeline | undefined;
}

const DEFAULTS = { window: 96, lockTicks: 24, maxLockedResidualMs: 2, freewheelAfterPeriods: 3, lostAfterMs: 1000 };

/**
 * Follows an external MIDI clock. Pure: feed it timestamped F8/FA/FB/FC/F2 and ask for its
 * status at a time. Tempo and phase come from a least-squares fit over the last `window`
 * ticks (see TickFit); a tick's index is inferred from its gap, so dropped ticks do not
 * halve the tempo. When ticks stop it freewheels at the last tempo, then declares the clock
 * lost after `lostAfterMs`.
 */
export class ClockFollower {
  private readonly o: typeof DEFAULTS;
  private readonly fit: TickFit;
  private state: TransportState;
  private lastTickMs: number | undefined;
  /** Clock index of the newest tick; it keeps counting across a loss so positions stay whole. */
  private lastIndex = -1;
  private shortestGapMs = Infinity;
  private songStartIndex = 0;
  private pendingDownbeat = false;

  constructor(options: FollowerOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.fit = new TickFit(this.o.window);
    this.state = T.initialTransport(bpm(120), options.meter ?? FOUR_FOUR);
  }

  /** An F8 arrived at `atMs`. */
  clock(atMs: number): void {
    const last = this.lastTickMs;
    if (last !== undefined && atMs - last >= this.o.lostAfterMs) this.resetFit();
    if (this.lastTickMs === undefined) {
      this.lastIndex += 1;
    } else {
      const gap = atMs - this.lastTickMs;
      if (gap <= 0) return; // a duplicate timestamp carries no timing information
      const period = this.periodEstimate(gap);
      this.lastIndex += Math.max(1, Math.round(gap / period));
      if (this.fit.size < 4) this.shortestGapMs = Math.min(this.shortestGapMs, gap);
    }
    this.lastTickMs = atMs;
    this.fit.add(this.lastIndex, atMs);
    if (this.pendingDownbeat) {
      this.songStartIndex = this.lastIndex - this.state.position;
      this.pendingDownbeat = false;
    }
    if (this.state.running) this.state = { ...this.state, position: ticks(this.lastIndex - this.songStartIndex + 1) };
    const tempo = this.tempoNow();
    if (tempo !== undefined) this.state = T.withTempo(this.state, tempo);
  }

  start(): void {
    this.state = T.start(this.state);
    this.pendingDownbeat = true;
  }

  stop(): void {
    this.state = T.stop(this.state);
    this.pendingDownbeat = false;
  }

  continue(): void {
    if (this.state.running) return;
    this.state = T.resume(this.state);
    this.pendingDownbeat = true;
  }

  songPosition(position: Steps): void {
    this.state = T.locate(this.state, position);
  }

  status(nowMs: number): FollowerStatus {
    const timeline = this.timeline();
    const tempo = timeline ? timeline.tempo : undefined;
    return { state: this.stateAt(nowMs, timeline), tempo, transport: this.state, timeline };
  }

  /** Time the given song position is expected, from the current fit. */
  timeOfPosition(position: Ticks): Milliseconds | undefined {
    const timeline = this.timeline();
    if (!timeline || !this.state.running) return undefined;
    return timeline.timeOfTick(ticks(this.songStartIndex + position));
  }

  private stateAt(nowMs: number, timeline: TickTimeline | undefined): FollowerState {
    const last = this.lastTickMs;
    if (last === undefined) return 'idle';
    if (nowMs - last >= this.o.lostAfterMs) return 'lost';
    if (!timeline) return 'searching';
    if (nowMs - last > this.o.freewheelAfterPeriods * timeline.periodMs) return 'freewheel';
    const fitted = this.fit.solve(this.lastIndex);
    const locked = this.fit.size >= this.o.lockTicks && fitted !== undefined && fitted.rmsResidualMs <= this.o.maxLockedResidualMs;
    return locked ? 'locked' : 'searching';
  }

  private timeline(): TickTimeline | undefined {
    const fitted = this.fit.solve(this.lastIndex);
    if (!fitted || !(fitted.periodMs > 0)) return undefined;
    const period = Math.min(msPerTick(MIN_BPM), Math.max(msPerTick(MAX_BPM), fitted.periodMs));
    return TickTimeline.fromPeriod(ticks(this.lastIndex), ms(fitted.timeMs), ms(period));
  }

  private tempoNow(): Bpm | undefined {
    const fitted = this.fit.solve(this.lastIndex);
    return fitted && fitted.periodMs > 0 ? bpmFromMsPerTick(ms(fitted.periodMs)) : undefined;
  }

  /**
   * Period used to count how many ticks a gap spans. Until the fit has a few points, the
   * shortest gap seen: a dropped tick makes a gap about twice as long, never shorter.
   */
  private periodEstimate(gap: number): number {
    if (this.fit.size >= 4) {
      const fitted = this.fit.solve(this.lastIndex);
      if (fitted && fitted.periodMs > 0) return fitted.periodMs;
    }
    return Math.min(gap, this.shortestGapMs);
  }

  private resetFit(): void {
    this.fit.clear();
    this.lastTickMs = undefined;
    this.shortestGapMs = Infinity;
  }
}
