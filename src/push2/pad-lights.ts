import type { TimerHandle } from '../clock/timers.js';
import type { SurfaceContext } from '../box/surface.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { Exchange } from '../perform/engine-types.js';
import {
  exchangeSections,
  stepAt,
  timeOfStep,
  type BeatMark,
  type ConversationSection,
  type GridHit,
} from './conversation.js';
import { changedLights, padGrid, type PadLight } from './pad-grid.js';
import { playerIndex } from './palette.js';
import { PAD_HIGH, PAD_LOW } from './protocol.js';

const MAX_CALL_HITS = 256;

/**
 * The pads of one attached Push 2 as the conversation (see padGrid): refreshed on every 16th
 * at its scheduled time, a hit lit at once, only changed pads sent. Also sends Push 2 the
 * MIDI clock (24 a beat, placed from the box's beat events) for its LED animations.
 */
export class PadLights {
  #mark: BeatMark | undefined;
  #call: GridHit[] = [];
  #answer: ConversationSection[] = [];
  #responding = false;
  readonly #shown = new Map<number, PadLight>();
  #pending: TimerHandle[] = [];
  #stepNow = 0;

  constructor(
    private readonly ctx: SurfaceContext,
    private readonly device: ConnectedDevice,
    private readonly sendClock: boolean,
  ) {}

  /** A beat of the box's timeline, at its own time: schedules this beat's 16ths and clock ticks. */
  beat(bar: number, beat: number, atMs: number, tempo: number, stepsPerBar: number): void {
    this.#mark = { bar, beat, atMs, tempo, stepsPerBar };
    for (const p of this.#pending) p.cancel();
    this.#pending = [];
    const first = Math.round(stepAt(this.#mark, atMs));
    for (let k = 0; k < 4; k++) {
      const step = first + k;
      if (k === 0) this.refresh(step);
      else this.#pending.push(this.ctx.at(timeOfStep(this.#mark, step), () => this.refresh(step)));
    }
    if (this.sendClock && !this.device.roles.includes('clock-out')) {
      const tickMs = 60_000 / tempo / 24;
      this.#send({ type: 'clock' });
      for (let i = 1; i < 24; i++)
        this.#pending.push(this.ctx.at(atMs + i * tickMs, () => this.#send({ type: 'clock' })));
    }
  }

  /** A pad was hit: it lights now, in the human's colour, until the next 16th redraws the grid. */
  flash(note: number, velocity: number): void {
    if (note >= PAD_LOW && note <= PAD_HIGH) this.#light({ note, index: playerIndex(0, velocity), channel: 0 });
  }

  /** A human hit (from any input) joins the call's grid. */
  hit(pitch: number, velocity: number, atMs: number): void {
    if (!this.#mark) return;
    this.#call.push({ step: Math.round(stepAt(this.#mark, atMs)), pitch, velocity, player: 0 });
    if (this.#call.length > MAX_CALL_HITS) this.#call = this.#call.slice(-MAX_CALL_HITS);
  }

  exchange(x: Exchange, voiceOrder: readonly string[]): void {
    this.#answer = exchangeSections(x, voiceOrder).slice(1);
    this.refresh(this.#stepNow);
  }

  engine(responding: boolean): void {
    this.#responding = responding;
    this.refresh(this.#stepNow);
  }

  /** Forgets what the pads show (after a replug) and sends all 64. */
  resendAll(): void {
    this.#shown.clear();
    this.refresh(this.#stepNow);
  }

  refresh(step: number): void {
    this.#stepNow = step;
    const playing = this.#answer.some((s) => step >= s.startStep && step < s.startStep + s.steps);
    const next = padGrid({
      step,
      call: this.#call,
      answer: this.#answer,
      aboutToAnswer: this.#responding && !playing,
      nextPlayer: 1,
    });
    for (const l of changedLights(next, this.#shown)) this.#light(l);
  }

  stop(): void {
    for (const p of this.#pending) p.cancel();
    this.#pending = [];
  }

  #light(l: PadLight): void {
    if (this.#send({ type: 'noteOn', channel: l.channel, note: l.note, velocity: l.index })) this.#shown.set(l.note, l);
  }

  #send(m: Parameters<SurfaceContext['sendToDevice']>[1]): boolean {
    return this.ctx.sendToDevice(this.device, m);
  }
}
