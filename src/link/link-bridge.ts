import type { MasterClock } from '../clock/master-clock.js';
import { TickTimeline } from '../clock/tick-timeline.js';
import { ms, ticks } from '../clock/units.js';
import type { LinkClock, LinkTransportEvent } from './link-clock.js';

/** A steer that would move the next tick by less than this (ms) is not worth a regrid. */
const STEER_EPSILON_MS = 0.002;
/** Ticks over which MIDI clock glides back onto Link's grid after the grid moved (one beat). */
const GLIDE_TICKS = 24;
/** A move of the grid (in ticks) from which MIDI clock glides instead of taking it in one interval. */
const GLIDE_FROM_TICKS = 0.1;

/**
 * Turns Link into MIDI clock: the master clock keeps sending F8 (and Start/Stop) to the
 * clock-out devices and DIN through its own tick path, threads and all, but its ticks are
 * placed on Link's tick grid instead of its own. Master clock index i is Link tick
 * i + `shift`; the shift changes only when Link's grid jumps by more than half a tick (a
 * session merge), so MIDI clock never bunches up or stalls.
 */
export class LinkBridge {
  private shift = 0;
  private active = false;
  /** While gliding: the clock index at which MIDI clock is back on Link's grid. */
  private glideUntil: number | undefined;
  /** A song start on a Link tick the master has not reached yet. */
  private pendingStart: number | undefined;

  constructor(
    private readonly master: MasterClock,
    private readonly link: LinkClock,
    private readonly nowMs: () => number,
  ) {
    link.onTransport((event) => this.transport(event));
  }

  get steering(): boolean {
    return this.active;
  }

  /** Begin steering the master onto Link's grid (starting it if it is not running). */
  attach(): void {
    this.active = true;
    this.update();
    const start = this.link.songStart;
    if (start !== undefined) this.transport({ kind: 'start', songStartTick: start });
    else if (this.master.transport.running) this.master.stop();
  }

  /** Stop steering; the master carries on alone at the last tempo and phase. */
  detach(): void {
    this.active = false;
    this.pendingStart = undefined;
    this.glideUntil = undefined;
  }

  /** Call after every Link sample: moves the master's future ticks onto the fitted grid. */
  update(): void {
    const line = this.link.timeline;
    if (!this.active || !line) return;
    if (!this.master.generating) {
      const first = line.nextTickAtOrAfter(ms(this.nowMs() + 1));
      this.shift = first;
      this.master.run(line.timeOfTick(first));
    }
    const committed = this.master.lastCommitted;
    const current = this.master.grid;
    if (!committed || !current) return;
    const next = committed.index + 1;
    const grid = this.gridFrom(line, committed);
    // Compared a beat ahead too, so a period change counts only when it adds up to something.
    const moved = (tick: number): number => Math.abs(grid.timeOfTick(ticks(tick)) - current.timeOfTick(ticks(tick)));
    if (moved(next) > STEER_EPSILON_MS || moved(next + GLIDE_TICKS) > STEER_EPSILON_MS) this.master.steer(grid);
    this.startIfDue();
  }

  /**
   * The grid for the ticks after the committed one. Link's grid moves when a peer's tempo
   * change arrives (it took effect at the peer a few tens of ms ago) or a session merges:
   * MIDI clock then glides onto it over a beat, every tick counted, so receivers keep Link's
   * bars; a move of more than half a beat renumbers instead (a tick more or less).
   */
  private gridFrom(line: TickTimeline, committed: { readonly index: number; readonly timeMs: number }): TickTimeline {
    const period = line.periodMs;
    const next = committed.index + 1;
    const onGrid = this.shifted(line);
    const gliding = this.glideUntil !== undefined && next <= this.glideUntil;
    const offTicks = Math.abs((onGrid.timeOfTick(ticks(next)) - committed.timeMs) / period - 1);
    if (!gliding && offTicks <= GLIDE_FROM_TICKS) {
      this.glideUntil = undefined;
      return onGrid;
    }
    const target = this.glideUntil !== undefined && gliding ? this.glideUntil : next + GLIDE_TICKS - 1;
    const glide = (onGrid.timeOfTick(ticks(target)) - committed.timeMs) / (target - committed.index);
    if (glide > 0.5 * period && glide < 1.5 * period) {
      this.glideUntil = target;
      return TickTimeline.fromPeriod(ticks(committed.index), ms(committed.timeMs), ms(glide));
    }
    this.glideUntil = undefined;
    this.shift = line.nextTickAtOrAfter(ms(committed.timeMs + 0.5 * period)) - next;
    return this.shifted(line);
  }

  private shifted(line: TickTimeline): TickTimeline {
    return TickTimeline.fromPeriod(ticks(line.anchorTick - this.shift), line.anchorTimeMs, line.periodMs);
  }

  private transport(event: LinkTransportEvent): void {
    if (!this.active) return;
    if (event.kind === 'stop') {
      this.pendingStart = undefined;
      if (this.master.transport.running) this.master.stop();
      return;
    }
    this.pendingStart = event.songStartTick;
    this.startIfDue();
  }

  /**
   * Start once the song's first Link tick is the master's next clock or later. If the master
   * is already past it (the start was seen late), the receivers start on the next bar line,
   * still on Link's bars.
   */
  private startIfDue(): void {
    const start = this.pendingStart;
    if (start === undefined || !this.master.generating) return;
    if (this.master.transport.running) {
      // Running already (the internal master's own song): stop it so the receivers restart on Link's bar.
      this.master.stop();
      return;
    }
    let index = start - this.shift;
    const bar = this.link.quantum * 24;
    while (index < this.master.nextClockIndex) index += bar;
    this.pendingStart = undefined;
    this.master.startAt(index);
  }
}
