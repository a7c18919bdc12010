import { afterOverrun, type InputEvent } from './evdev-records.js';

/**
 * The encoders-and-buttons seam. Real: `EvdevInputSource`, the kernel's `rotary-encoder`
 * and `gpio-keys` devices read as files under /dev/input/by-path. Simulator:
 * `SimInputSource`. `test/contract/panel-input.contract.ts` holds both to this:
 *
 * - `start` opens every matching device present now and keeps looking for new ones
 *   (`rescan()` looks at once); `devices()` lists the open ones by file name.
 * - Events of one device arrive in the order the kernel wrote them, whole, each once,
 *   SYN_REPORTs included, with the kernel's timestamp. A reader that falls behind more than
 *   the kernel's buffer (64 events) gets SYN_DROPPED and then the newest packets, as the
 *   kernel hands them over; the listener resyncs (see `EvdevResync`).
 * - A device that goes away (unplugged, driver unbound: ENODEV) is closed and reported to
 *   `onGone` once; if it comes back it is opened again by a later scan. Nothing throws.
 * - `stop()` closes everything and is idempotent; no event is delivered after it.
 */
export interface InputEventSource {
  readonly kind: string;
  start(listener: (device: string, event: InputEvent) => void, onGone?: (device: string, reason: string) => void): void;
  rescan(): void;
  devices(): readonly string[];
  stop(): void;
}

/** In-memory event devices that a test plugs, feeds and unplugs. */
export class SimInputSource implements InputEventSource {
  readonly kind = 'simulator';
  readonly #present = new Set<string>();
  readonly #open = new Set<string>();
  #listener: ((device: string, event: InputEvent) => void) | undefined;
  #onGone: ((device: string, reason: string) => void) | undefined;

  constructor(devices: readonly string[] = []) {
    for (const d of devices) this.#present.add(d);
  }

  start(
    listener: (device: string, event: InputEvent) => void,
    onGone?: (device: string, reason: string) => void,
  ): void {
    this.#listener = listener;
    this.#onGone = onGone;
    this.rescan();
  }

  rescan(): void {
    if (!this.#listener) return;
    for (const d of this.#present) this.#open.add(d);
  }

  devices(): readonly string[] {
    return [...this.#open];
  }

  plug(device: string): void {
    this.#present.add(device);
  }

  unplug(device: string): void {
    this.#present.delete(device);
    if (this.#open.delete(device)) this.#onGone?.(device, 'ENODEV: no such device');
  }

  /** Delivers events as the kernel would have written them; ignored for a device not open. */
  emit(device: string, events: readonly InputEvent[]): void {
    if (!this.#open.has(device)) return;
    for (const e of events) this.#listener?.(device, e);
  }

  /** What the kernel leaves a reader that fell behind: SYN_DROPPED, then the newest whole packet. */
  overrun(device: string, events: readonly InputEvent[]): void {
    this.emit(device, afterOverrun(events));
  }

  stop(): void {
    this.#open.clear();
    this.#listener = undefined;
  }
}
