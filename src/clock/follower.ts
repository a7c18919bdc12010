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
  /**
   * `transport.position` counts received ticks, so it holds still while freewheeling; the
   * timeline keeps running, and ClockService counts the freewheeled ticks when it hands over.
   */
  /** Estimated tempo, once there is one (kept while freewheeling). */
  readonly tempo: Bpm | undefined;
  readonly transport: TransportState;
  /** Clock-index timeline, from the fit: where the next ticks are expected. */
  readonly timeline: TickTimeline | undefined;
}

/** A locked tick may sit this far off the line (±1 ms jitter passes, a burst does not). */
const GATE_MIN_MS = 2.5;
const GATE_PERIODS = 0.2;
const REFIT_AFTER_REJECTS = 12;
/**
 * The median raw gap must agree with the fitted period within this fraction; otherwise the
 * fit is counting ticks on the wrong grid (after a bad start in a burst) and starts over.
 * A median ignores drops (long gaps) and bursts (short ones) alike.
 */
const GAP_WINDOW = 24;
const MAX_PERIOD_DISAGREEMENT = 0.12;
/** A quarter of the shortest tick period the box accepts (300 BPM). */
const MIN_GAP_MS = msPerTick(MAX_BPM) / 4;

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
  /** Gaps seen while acquiring (before the fit can be trusted to count ticks). */
  private acquisitionGaps: number[] = [];
  /** Clocks received, one per F8: song position counts these, as every MIDI device does. */
  private received = 0;
  private songStartCount = 0;
  private pendingDownbeat = false;
  private rejectedRun = 0;
  private skipDebt = 0;
  /** Period of the fit the last time it counted as locked. */
  private lockedPeriodMs: number | undefined;
  /** The last GAP_WINDOW inter-arrival gaps long enough to be real (no bursts). */
  private recentGaps: number[] = [];

  constructor(options: FollowerOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.fit = new TickFit(this.o.window);
    this.state = T.initialTransport(bpm(120), options.meter ?? FOUR_FOUR);
  }

  /** An F8 arrived at `atMs`. */
  clock(atMs: number): void {
    const last = this.lastTickMs;
    if (last !== undefined && atMs - last >= this.o.lostAfterMs) this.resetFit();
    const fitted = this.fit.size >= this.o.lockTicks ? this.fit.solve(this.lastIndex) : undefined;
    const previousIndex = this.lastIndex;
    let timed = true;
    if (this.lastTickMs === undefined) {
      this.lastIndex += 1;
    } else if (fitted) {
      // Count from the fitted line, not from the last (jittered) arrival.
      this.lastIndex += this.increment(Math.round((atMs - fitted.timeMs) / fitted.periodMs));
      const residual = atMs - (fitted.timeMs + (this.lastIndex - previousIndex) * fitted.periodMs);
      timed = this.admit(residual, fitted.periodMs);
    } else {
      const gap = atMs - this.lastTickMs;
      // Ticks closer than any real tempo allows (a buffered burst): count them, learn nothing.
      const period = this.periodEstimate(gap);
      timed = gap >= MIN_GAP_MS && gap >= period / 2;
      this.lastIndex += this.increment(timed ? Math.max(1, Math.round(gap / period)) : 0);
      if (timed && this.acquisitionGaps.length < 9) this.acquisitionGaps.push(gap);
    }
    if (this.lastTickMs !== undefined && atMs - this.lastTickMs >= MIN_GAP_MS) {
      this.recentGaps.push(atMs - this.lastTickMs);
      if (this.recentGaps.length > GAP_WINDOW) this.recentGaps.shift();
    }
    if (fitted && this.recentGaps.length === GAP_WINDOW && this.onWrongGrid(fitted.periodMs)) {
      this.recentGaps = [];
      this.fit.clear();
      this.acquisitionGaps = [];
      timed = true;
    }
    if (this.lastTickMs === undefined) timed = true;
    this.lastTickMs = atMs;
    if (timed) this.fit.add(this.lastIndex, atMs);
    this.rememberLockedPeriod();
    // Position counts clocks as they arrive; the inferred index only places them in time.
    this.received++;
    if (this.pendingDownbeat) {
      this.songStartCount = this.received - 1 - this.state.position;
      this.pendingDownbeat = false;
    }
    if (this.state.running) this.state = { ...this.state, position: ticks(this.received - this.songStartCount) };
    const tempo = this.tempoNow();
    if (tempo !== undefined) this.state = T.withTempo(this.state, tempo);
  }

  /**
   * Ticks a gap spans. A late tick looks like a dropped one followed by an early one; when the
   * ticks after it then arrive with no room between them, they repay that skip (a burst), so
   * the count stays exact. An unrepaid skip was a real drop.
   */
  private increment(byTime: number): number {
    if (byTime >= 1) {
      this.skipDebt = byTime - 1;
      return byTime;
    }
    if (this.skipDebt > 0) {
      this.skipDebt--;
      return 0;
    }
    return 1;
  }

  private onWrongGrid(periodMs: number): boolean {
    const sorted = [...this.recentGaps].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1] ?? periodMs;
    return Math.abs(median / periodMs - 1) > MAX_PERIOD_DISAGREEMENT;
  }

  /**
   * Once locked, a tick far off the fitted line (a burst from a buffering interface, a
   * stalled sender) is counted but kept out of the fit. A run of them means the tempo
   * really jumped: start a fresh fit from here.
   */
  private admit(residualMs: number, periodMs: number): boolean {
    const gate = Math.max(GATE_MIN_MS, GATE_PERIODS * periodMs);
    if (Math.abs(residualMs) <= gate) {
      this.rejectedRun = 0;
      return true;
    }
    if (++this.rejectedRun < REFIT_AFTER_REJECTS) return false;
    this.rejectedRun = 0;
    this.fit.clear();
    this.acquisitionGaps = [];
    return true;
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
    let timeline = this.timeline();
    const state = this.stateAt(nowMs, timeline);
    // Freewheel on the last tempo measured while locked: the ticks just before a stream dies
    // (a cable pulled mid-burst, a sender stalling) are the least trustworthy ones.
    if ((state === 'freewheel' || state === 'lost') && timeline && this.lockedPeriodMs !== undefined) {
      timeline = TickTimeline.fromPeriod(timeline.anchorTick, timeline.anchorTimeMs, ms(this.lockedPeriodMs));
    }
    return { state, tempo: timeline?.tempo, transport: this.state, timeline };
  }

  private rememberLockedPeriod(): void {
    if (this.fit.size < this.o.lockTicks) return;
    const fitted = this.fit.solve(this.lastIndex);
    if (fitted && fitted.periodMs > 0 && fitted.rmsResidualMs <= this.o.maxLockedResidualMs)
      this.lockedPeriodMs = fitted.periodMs;
  }

  /** Time the given song position is expected, from the current fit. */
  timeOfPosition(position: Ticks): Milliseconds | undefined {
    const timeline = this.timeline();
    if (!timeline || !this.state.running) return undefined;
    // The newest tick was song position `position - 1` and sits at the timeline's anchor.
    return timeline.timeOfTick(ticks(timeline.anchorTick + position - (this.state.position - 1)));
  }

  private stateAt(nowMs: number, timeline: TickTimeline | undefined): FollowerState {
    const last = this.lastTickMs;
    if (last === undefined) return 'idle';
    if (nowMs - last >= this.o.lostAfterMs) return 'lost';
    if (!timeline) return 'searching';
    if (nowMs - last > this.o.freewheelAfterPeriods * timeline.periodMs) return 'freewheel';
    const fitted = this.fit.solve(this.lastIndex);
    const locked =
      this.fit.size >= this.o.lockTicks && fitted !== undefined && fitted.rmsResidualMs <= this.o.maxLockedResidualMs;
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
   * Period used to count how many ticks a gap spans while acquiring. From three gaps on, their
   * lower median: a dropped tick makes one gap twice as long and a burst one much shorter,
   * and neither moves a median.
   */
  private periodEstimate(gap: number): number {
    if (this.fit.size >= 8) {
      const fitted = this.fit.solve(this.lastIndex);
      if (fitted && fitted.periodMs > 0) return fitted.periodMs;
    }
    // With under three gaps a drop cannot be told from a burst: count one tick per gap.
    const gaps = [...this.acquisitionGaps, gap].sort((a, b) => a - b);
    return gaps.length < 4 ? gap : (gaps[Math.floor((gaps.length - 1) / 2)] ?? gap);
  }

  private resetFit(): void {
    this.fit.clear();
    this.lastTickMs = undefined;
    this.acquisitionGaps = [];
    this.recentGaps = [];
    this.lockedPeriodMs = undefined;
  }
}
