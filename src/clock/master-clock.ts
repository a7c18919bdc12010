import type { MidiOut } from './midi-out.js';
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
}

/** Called for every tick sent: `index` counts clocks since `run`, `position` is the song's. */
export type TickListener = (tick: { readonly index: number; readonly timeMs: number; readonly position: Ticks | undefined }) => void;

const TICK_TAG = 'master-clock';

/**
 * The internal master: F8 at 24 PPQN on an absolute timeline, transport messages on the
 * tick grid. Exactly one tick is queued ahead; that tick is committed (its time never
 * changes), and a tempo change pivots on it, so the change is heard from the next interval
 * with no jump in phase. Start/Continue/Stop/SPP are queued just before the committed tick,
 * so the first clock after Start is the downbeat, as MIDI 1.0 wants.
 */
export class MasterClock {
  private timeline: TickTimeline | undefined;
  private nextIndex = 0;
  /** Clock index that is song position 0 (valid while running). */
  private songStartIndex = 0;
  private state: TransportState;
  private readonly taps = new TapTempo();
  private readonly listeners: TickListener[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: MasterClockOptions,
  ) {
    this.state = T.initialTransport(options.tempo, options.meter ?? FOUR_FOUR);
  }

  get transport(): TransportState {
    if (!this.state.running) return this.state;
    return { ...this.state, position: ticks(this.nextIndex - this.songStartIndex) };
  }

  get generating(): boolean {
    return this.timeline !== undefined;
  }

  /** The committed next tick's time, or undefined while not generating. */
  get nextTickTimeMs(): Milliseconds | undefined {
    return this.timeline?.timeOfTick(ticks(this.nextIndex));
  }

  onTick(listener: TickListener): void {
    this.listeners.push(listener);
  }

  /** Starts generating clocks with the first tick at `atMs` (default: now). */
  run(atMs: number = this.scheduler.nowMs()): void {
    if (this.timeline) return;
    this.nextIndex = 0;
    this.timeline = TickTimeline.start(ticks(0), ms(atMs), this.state.tempo);
    this.queueNextTick();
  }

  /** Stops generating clocks (an external source has taken over, or shutdown). */
  halt(): void {
    this.scheduler.cancel(TICK_TAG);
    this.timeline = undefined;
    this.state = T.stop(this.state);
  }

  start(): void {
    const at = this.requireCommittedTime('start');
    this.state = T.start(this.state);
    this.songStartIndex = this.nextIndex;
    this.broadcastAt(at, START_BYTES);
  }

  stop(): void {
    if (!this.state.running) return;
    const at = this.requireCommittedTime('stop');
    this.state = { ...T.stop(this.state), position: ticks(this.nextIndex - this.songStartIndex) };
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
  }

  /** Song Position Pointer; ignored while running (MIDI 1.0). */
  locate(position: Steps): void {
    if (this.state.running) return;
    this.state = T.locate(this.state, position);
    if (this.timeline) this.broadcastAt(this.requireCommittedTime('locate'), songPositionBytes(T.songPositionFor(this.state.position)));
  }

  setTempo(tempo: number): void {
    const checked = checkedBpm(tempo, 'master clock tempo');
    this.state = T.withTempo(this.state, checked);
    if (!this.timeline) return;
    this.timeline = this.timeline.withTempo(checked, ticks(this.nextIndex));
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

  private queueNextTick(): void {
    const timeline = this.timeline;
    if (!timeline) return;
    this.scheduler.callAt(timeline.timeOfTick(ticks(this.nextIndex)), (at) => this.sendTick(at), Priority.clock, TICK_TAG);
  }

  private sendTick(scheduledMs: number): void {
    const running = this.state.running;
    if (running || this.options.clockWhileStopped !== false) {
      for (const out of this.options.outputs()) out.send(CLOCK_BYTES);
    }
    const tick = { index: this.nextIndex, timeMs: scheduledMs, position: running ? ticks(this.nextIndex - this.songStartIndex) : undefined };
    this.nextIndex++;
    this.queueNextTick();
    for (const listen of this.listeners) listen(tick);
  }
}

/** A transport command needs the clock to be generating (call `run` first). */
export class ClockNotRunning extends Error {
  override readonly name = 'ClockNotRunning';
  constructor(readonly command: string) {
    super(`master clock: ${command} needs a running clock; call run() first`);
  }
}
