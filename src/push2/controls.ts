import type { BoxCommand, ParameterAddress } from '../control/commands.js';
import type { ParameterState } from '../control/parameter-store.js';
import { parameterNamed } from '../control/parameters.js';
import type { MidiMessage } from '../midi/message.js';
import { EncoderTurns, encoderPages, type EncoderPage } from './encoder-pages.js';
import {
  BUTTON,
  LOWER_ROW,
  MASTER_ENCODER,
  SWING_ENCODER,
  TEMPO_ENCODER,
  TOUCH_NOTES,
  TRACK_ENCODERS,
  decodeRelative,
} from './protocol.js';
import { TapTempo } from './tap-tempo.js';

/** How long a first press of panic waits for the second. */
export const PANIC_CONFIRM_MS = 3000;

/** What the performer sees of the controls: the page, shift, a touched encoder, a panic waiting to be confirmed. */
export interface ControlsView {
  readonly page: number;
  readonly pages: readonly EncoderPage[];
  readonly shift: boolean;
  /** The parameter whose encoder is touched now (its value is shown large). */
  readonly touched: ParameterAddress | undefined;
  /** Until when a second panic press confirms it (box clock ms); undefined when not armed. */
  readonly panicArmedUntil: number | undefined;
}

const SOURCE = 'push2' as const;

/**
 * Push 2's encoders and buttons as box commands: a pure state machine (messages and their
 * times in, commands out), so every rule is tested on virtual time. Buttons act on press;
 * shift is held; panic needs a second press within PANIC_CONFIRM_MS.
 */
export class Push2Controls {
  #page = 0;
  #shift = false;
  #touched: ParameterAddress | undefined;
  #panicArmedUntil: number | undefined;
  #pages: readonly EncoderPage[];
  readonly #turns = new EncoderTurns();
  readonly #tap = new TapTempo();

  constructor(private readonly values: () => ParameterState) {
    this.#pages = encoderPages(values().voices.map((v) => v.name));
  }

  get view(): ControlsView {
    return {
      page: this.#page,
      pages: this.#pages,
      shift: this.#shift,
      touched: this.#touched,
      panicArmedUntil: this.#panicArmedUntil,
    };
  }

  /** The parameter encoder `i` (0..7) drives on the current page. */
  slot(i: number): ParameterAddress | undefined {
    return this.#pages[this.#page]?.slots[i];
  }

  /** Drops an armed panic whose time is up; true when the view changed. */
  expire(nowMs: number): boolean {
    if (this.#panicArmedUntil === undefined || nowMs < this.#panicArmedUntil) return false;
    this.#panicArmedUntil = undefined;
    return true;
  }

  /**
   * One message from Push 2 at `atMs`. Returns the commands it asks for; `changed` says the
   * view changed (redraw). Pad notes are not controls and return nothing.
   */
  handle(m: MidiMessage, atMs: number): { commands: BoxCommand[]; changed: boolean } {
    this.expire(atMs);
    if (m.type === 'noteOn' || m.type === 'noteOff') return this.#touch(m.note, m.type === 'noteOn' && m.velocity > 0);
    if (m.type !== 'controlChange') return { commands: [], changed: false };
    const encoder = (TRACK_ENCODERS as readonly number[]).indexOf(m.controller);
    if (encoder >= 0) return this.#encoder(this.slot(encoder), decodeRelative(m.value));
    if (m.controller === MASTER_ENCODER) return this.#encoder({ param: 'volume' }, decodeRelative(m.value));
    if (m.controller === TEMPO_ENCODER) return this.#encoder({ param: 'tempo_bpm' }, decodeRelative(m.value));
    if (m.controller === SWING_ENCODER) return this.#encoder({ param: 'swing' }, decodeRelative(m.value));
    return this.#button(m.controller, m.value > 0, atMs);
  }

  #touch(note: number, down: boolean): { commands: BoxCommand[]; changed: boolean } {
    const track = (TOUCH_NOTES.tracks as readonly number[]).indexOf(note);
    const address =
      track >= 0
        ? this.slot(track)
        : note === TOUCH_NOTES.master
          ? { param: 'volume' }
          : note === TOUCH_NOTES.tempo
            ? { param: 'tempo_bpm' }
            : note === TOUCH_NOTES.swing
              ? { param: 'swing' }
              : undefined;
    if (!address) return { commands: [], changed: false };
    const before = this.#touched;
    if (down) this.#touched = address;
    else if (before && before.param === address.param && before.voice === address.voice) this.#touched = undefined;
    return { commands: [], changed: before !== this.#touched };
  }

  #encoder(address: ParameterAddress | undefined, ticks: number): { commands: BoxCommand[]; changed: boolean } {
    if (!address || ticks === 0) return { commands: [], changed: false };
    const steps = this.#turns.turn(address, ticks, this.#shift);
    if (steps === 0) return { commands: [], changed: false };
    return { commands: [{ kind: 'nudge', ...address, steps, fine: this.#shift, source: SOURCE }], changed: false };
  }

  #button(cc: number, down: boolean, atMs: number): { commands: BoxCommand[]; changed: boolean } {
    if (cc === BUTTON.shift) {
      const changed = this.#shift !== down;
      this.#shift = down;
      return { commands: [], changed };
    }
    if (!down) return { commands: [], changed: false };
    const page = (LOWER_ROW as readonly number[]).indexOf(cc);
    if (page >= 0) {
      if (page >= this.#pages.length || page === this.#page) return { commands: [], changed: false };
      this.#page = page;
      this.#turns.reset();
      return { commands: [], changed: true };
    }
    switch (cc) {
      case BUTTON.tapTempo: {
        const bpm = this.#tap.tap(atMs);
        const p = parameterNamed('tempo_bpm');
        if (bpm === undefined || p?.kind !== 'number') return { commands: [], changed: false };
        return {
          commands: [{ kind: 'set', param: 'tempo_bpm', value: Math.min(p.max, Math.max(p.min, bpm)), source: SOURCE }],
          changed: false,
        };
      }
      case BUTTON.mode:
        return { commands: [this.#nextMode()], changed: false };
      case BUTTON.mutate:
        return { commands: [{ kind: 'mutate', source: SOURCE }], changed: false };
      case BUTTON.endCall:
        return { commands: [{ kind: 'endCall', source: SOURCE }], changed: false };
      case BUTTON.play:
        return { commands: [{ kind: 'transport', play: 'toggle', source: SOURCE }], changed: false };
      case BUTTON.record:
        return { commands: [{ kind: 'recordArm', armed: 'toggle', source: SOURCE }], changed: false };
      case BUTTON.undo:
        return { commands: [{ kind: 'undo', source: SOURCE }], changed: false };
      case BUTTON.panic:
        if (this.#panicArmedUntil !== undefined) {
          this.#panicArmedUntil = undefined;
          return { commands: [{ kind: 'panic', source: SOURCE }], changed: true };
        }
        this.#panicArmedUntil = atMs + PANIC_CONFIRM_MS;
        return { commands: [], changed: true };
      default:
        return { commands: [], changed: false };
    }
  }

  /** Mode steps round: answer, chain, loop, answer. */
  #nextMode(): BoxCommand {
    const p = parameterNamed('mode');
    const options = p?.kind === 'choice' && Array.isArray(p.options) ? (p.options as readonly string[]) : ['answer'];
    const current = String(this.values().global['mode'] ?? options[0]);
    const next = options[(options.indexOf(current) + 1) % options.length] ?? 'answer';
    return { kind: 'set', param: 'mode', value: next, source: SOURCE };
  }
}
