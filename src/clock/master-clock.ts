import { isTickGeneratingOut, type MidiOut, type TickGeneratingOut } from './midi-out.js';
import { CLOCK_BYTES, CONTINUE_BYTES, START_BYTES, STOP_BYTES, songPositionBytes } from './realtime-bytes.js';
import { Priority, type Scheduler } from './scheduler.js';
import { TapTempo } from './tap-tempo.js';
import { TickTimeline } from './tick-timeline.js';
import type { TransportState } from './transport.js';
import * as T from './transport.js';
import type { Bpm, Meter, Milliseconds, Steps, Ticks } from './units.js';
import { FOUR_FOUR, checkedBpm, ms, ticks } from './units.js';

export interface MasterClockOptions {
  readonly tempo: Bpm;
  readonly meter?: Meter;
  /** The outputs with the clock-out role, read at every tick so replugs take effect. */
  readonly outputs: () => readonly MidiOut[];
  /** Send F8 while stopped too, so followers can show and lock the tempo before Start. */
  readonly clockWhileStopped?: boolean;
  /**
   * Ticks handed to the outputs ahead of their time (default 1). Outputs on their own clock
   * thread (see ClockOutputThread) then send on time even if this thread is busy for up to
   * `aheadTicks` periods; a tempo change is heard after the ticks already committed.
   */
  readonly aheadTicks?: number;
}

/** Called for every tick sent: `index` counts clocks since `run`, `position` is the song's. */
export type TickListener = (tick: {
  readonly index: number;
  readonly timeMs: number;
  readonly position: Ticks | undefined;
}) => void;

const TICK_TAG = 'master-clock';

/**
 * The internal master: F8 at 24 PPQN on an absolute timeline, transport messages on the
 * tick grid. Ticks are committed (queued with their time, which never changes again)
 * `aheadTicks` ahead; a tempo change pivots on the last committed tick, so it is heard from
 * the next interval with no jump in phase. Start/Continue/Stop/SPP go out at the next tick's
 * time, ahead of its F8, so the first clock after Start is the downbeat, as MIDI 1.0 wants.
 */
export class MasterClock {
  private timeline: TickTimeline | undefined;
  private nextIndex = 0;
  /** Highest tick index whose F8 is queued. */
  private committedIndex = -1;
  /** Clock index that is song position 0 (valid while running). */
  private songStartIndex = 0;
  private state: TransportState;
  private readonly taps = new TapTempo();
  private readonly listeners: TickListener[] = [];
  /** Outputs that generate ticks themselves and have been given the current grid. */
  private generators = new Set<TickGeneratingOut>();
  /** Times of ticks committed but not yet sent: `steer` may move the grid under them. */
  private readonly committedTimes = new Map<number, number>();
  /** A downbeat beyond the committed ticks whose Start is still to be queued. */
  private startPendingAt: number | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: MasterClockOptions,
  ) {
    this.state = T.initialTransport(options.tempo, options.meter ?? FOUR_FOUR);
  }

  get transport(): TransportState {
    if (!this.state.running) return this.state;
    return { ...this.state, position: ticks(Math.max(0, this.nextIndex - this.songStartIndex)) };
  }

  get generating(): boolean {
    return this.timeline !== undefined;
  }

  /** The committed next tick's time, or undefined while not generating. */
  get nextTickTimeMs(): Milliseconds | undefined {
    if (!this.timeline) return undefined;
    const committed = this.committedTimes.get(this.nextIndex);
    return committed === undefined ? this.timeline.timeOfTick(ticks(this.nextIndex)) : ms(committed);
  }

  /** The newest tick whose time is fixed, while generating; `steer` moves only later ones. */
  get lastCommitted(): { readonly index: number; readonly timeMs: number } | undefined {
    const at = this.committedTimes.get(this.committedIndex);
    return at === undefined ? undefined : { index: this.committedIndex, timeMs: at };
  }

  /** Index of the next clock to be sent (counted from `run`). */
  get nextClockIndex(): number {
    return this.nextIndex;
  }

  /** The grid uncommitted ticks will be placed on (clock index to time). */
  get grid(): TickTimeline | undefined {
    return this.timeline;
  }

  onTick(listener: TickListener): void {
    this.listeners.push(listener);
  }

  /** Starts generating clocks with the first tick at `atMs` (default: now). */
  run(atMs: number = this.scheduler.nowMs()): void {
    if (this.timeline) return;
    this.nextIndex = 0;
    this.committedIndex = -1;
    this.timeline = TickTimeline.start(ticks(0), ms(atMs), this.state.tempo);
    this.regrid(0);
    this.commitThrough(this.ahead - 1);
  }

  /**
   * Takes over from another clock without a seam: the first tick at `firstTickMs`, at
   * `tempo`, carrying on the transport it was following (no Start/Continue is sent: the
   * receivers were already following the same song through thru).
   */
  takeOver(firstTickMs: number, tempo: Bpm, transport: { readonly running: boolean; readonly position: Ticks }): void {
    this.halt();
    this.state = { ...T.withTempo(this.state, tempo), running: transport.running, position: transport.position };
    this.nextIndex = 0;
    this.committedIndex = -1;
    this.songStartIndex = -transport.position;
    this.timeline = TickTimeline.start(ticks(0), ms(firstTickMs), tempo);
    this.regrid(0);
    this.commitThrough(this.ahead - 1);
  }

  /** Stops generating clocks (an external source has taken over, or shutdown). */
  halt(): void {
    for (const generator of this.generators) generator.stopTicks();
    this.generators.clear();
    this.scheduler.cancel(TICK_TAG);
    this.committedTimes.clear();
    this.startPendingAt = undefined;
    this.timeline = undefined;
  }

  start(): void {
    this.startAt(this.nextIndex);
  }

  /**
   * Start with clock `index` (the next one or a later one) as the downbeat: Start goes out at
   * its time, ahead of its F8. An outside grid (Link's bar line) picks the index.
   */
  startAt(index: number): void {
    const next = this.requireCommittedTime('start');
    if (!Number.isInteger(index) || index < this.nextIndex)
      throw new RangeError(`master clock: cannot start at clock ${index}, clock ${this.nextIndex} is next`);
    this.state = T.start(this.state);
    this.songStartIndex = index;
    const committed = index === this.nextIndex ? next : this.committedTimes.get(index);
    // A later downbeat's time is not fixed yet (`steer` may move it): Start goes out when it is committed.
    if (committed === undefined) this.startPendingAt = index;
    else this.broadcastAt(committed, START_BYTES);
    this.fillStoppedTicks();
  }

  /**
   * Places the ticks after the last committed one on `grid` (clock index to time) instead of
   * the master's own: how the box bridges an outside timeline (Link) to MIDI clock through
   * this same tick path. The caller keeps the grid's next tick sensibly after the committed one.
   */
  steer(grid: TickTimeline): void {
    if (!this.timeline) return;
    this.state = T.withTempo(this.state, checkedBpm(grid.tempo, 'steered master clock tempo'));
    this.timeline = grid;
    this.regrid(this.nextIndex);
  }

  stop(): void {
    if (!this.state.running) return;
    this.startPendingAt = undefined;
    const at = this.requireCommittedTime('stop');
    this.state = { ...T.stop(this.state), position: ticks(Math.max(0, this.nextIndex - this.songStartIndex)) };
    this.broadcastAt(at, STOP_BYTES);
  }

  /** Continue from the held position; SPP first so every receiver agrees where that is. */
  continue(): void {
    if (this.state.running) return;
    const at = this.requireCommittedTime('continue');
    const spp = T.songPositionFor(this.state.position);
    this.state = T.resume(T.locate(this.state, spp));
    this.songStartIndex = this.nextIndex - this.state.position;
    this.broadcastAt(at, songPositionBytes(spp));
    this.broadcastAt(at, CONTINUE_BYTES);
    this.fillStoppedTicks();
  }

  /** Song Position Pointer; ignored while running (MIDI 1.0). */
  locate(position: Steps): void {
    if (this.state.running) return;
    this.state = T.locate(this.state, position);
    if (this.timeline)
      this.broadcastAt(this.requireCommittedTime('locate'), songPositionBytes(T.songPositionFor(this.state.position)));
  }

  setTempo(tempo: number): void {
    const checked = checkedBpm(tempo, 'master clock tempo');
    this.state = T.withTempo(this.state, checked);
    if (!this.timeline) return;
    this.timeline = this.timeline.withTempo(checked, ticks(this.committedIndex));
    this.regrid(this.nextIndex);
  }

  /**
   * Call when the clock outputs changed (a port plugged, the DIN UART reopened on a new fd):
   * tick-generating outputs get the grid again from the next tick not yet sent.
   */
  refreshOutputs(): void {
    this.regrid(this.nextIndex);
  }

  /** Tap tempo at a monotonic time; returns the tempo it set, if any. */
  tap(atMs: number = this.scheduler.nowMs()): Bpm | undefined {
    const tempo = this.taps.tap(atMs);
    if (tempo !== undefined) this.setTempo(tempo);
    return tempo;
  }

  /** Time of a song position on the current timeline (for "play at beat b"). */
  timeOfPosition(position: Ticks): Milliseconds | undefined {
    if (!this.timeline || !this.state.running) return undefined;
    return this.timeline.timeOfTick(ticks(this.songStartIndex + position));
  }

  private requireCommittedTime(what: string): number {
    const at = this.nextTickTimeMs;
    if (at === undefined) throw new ClockNotRunning(what);
    return at;
  }

  private broadcastAt(atMs: number, bytes: Uint8Array): void {
    for (const out of this.options.outputs()) this.scheduler.sendAt(out, bytes, atMs, Priority.transport);
  }

  private get ahead(): number {
    return Math.max(1, Math.floor(this.options.aheadTicks ?? 1));
  }

  private get sendsClock(): boolean {
    return this.state.running || this.options.clockWhileStopped !== false;
  }

  /** Queues the F8s (and the bookkeeping call) of every tick up to `index`. */
  private commitThrough(index: number): void {
    const timeline = this.timeline;
    if (!timeline) return;
    while (this.committedIndex < index) {
      const n = ++this.committedIndex;
      const at = timeline.timeOfTick(ticks(n));
      this.committedTimes.set(n, at);
      if (n === this.startPendingAt) {
        this.startPendingAt = undefined;
        this.broadcastAt(at, START_BYTES);
      }
      if (this.sendsClock) {
        for (const out of this.options.outputs())
          if (!isTickGeneratingOut(out)) this.scheduler.sendAt(out, CLOCK_BYTES, at, Priority.clock, TICK_TAG);
      }
      // Queued after the sends at the same instant and priority, so it runs once they are out.
      this.scheduler.callAt(at, () => this.tickSent(n, at), Priority.clock, TICK_TAG);
    }
  }

  /** With clockWhileStopped off, the committed ticks from the downbeat on still need their F8. */
  private fillStoppedTicks(): void {
    const timeline = this.timeline;
    if (!timeline || this.options.clockWhileStopped !== false) return;
    for (let n = this.nextIndex; n <= this.committedIndex; n++) {
      for (const out of this.options.outputs())
        this.scheduler.sendAt(out, CLOCK_BYTES, timeline.timeOfTick(ticks(n)), Priority.clock, TICK_TAG);
    }
  }

  /**
   * Gives every tick-generating output the current grid from `fromTick` on; picks up ones
   * plugged in since and stops ones that left. They always send clock, stopped or not.
   * A grid change passes the next tick not yet sent, not the next uncommitted one: a
   * generator sends committed ticks itself, and a later `fromTick` would skip them (one F8
   * lost per tempo change). The pivot is the committed tick, which keeps its time.
   */
  private regrid(fromTick: number): void {
    const timeline = this.timeline;
    if (!timeline) return;
    const grid = { anchorTick: timeline.anchorTick, anchorTimeMs: timeline.anchorTimeMs, periodMs: timeline.periodMs };
    const current = new Set(this.options.outputs().filter(isTickGeneratingOut));
    for (const gone of this.generators) if (!current.has(gone)) gone.stopTicks();
    for (const out of current) out.followGrid(grid, fromTick);
    this.generators = current;
  }

  private adoptNewGenerators(fromTick: number): void {
    const timeline = this.timeline;
    if (!timeline) return;
    for (const out of this.options.outputs()) {
      if (!isTickGeneratingOut(out) || this.generators.has(out)) continue;
      out.followGrid(
        { anchorTick: timeline.anchorTick, anchorTimeMs: timeline.anchorTimeMs, periodMs: timeline.periodMs },
        fromTick,
      );
      this.generators.add(out);
    }
  }

  private tickSent(index: number, timeMs: number): void {
    this.committedTimes.delete(index);
    this.adoptNewGenerators(this.committedIndex + 1);
    const position =
      this.state.running && index >= this.songStartIndex ? ticks(index - this.songStartIndex) : undefined;
    this.nextIndex = index + 1;
    this.commitThrough(index + this.ahead);
    for (const listen of this.listeners) listen({ index, timeMs, position });
  }
}

/** A transport command needs the clock to be generating (call `run` first). */
export class ClockNotRunning extends Error {
  override readonly name = 'ClockNotRunning';
  constructor(readonly command: string) {
    super(`master clock: ${command} needs a running clock; call run() first`);
  }
}
