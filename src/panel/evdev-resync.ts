import { EV_KEY, EV_SYN, SYN_DROPPED, SYN_REPORT, type InputEvent } from './evdev-records.js';

/** What a device's reader acts on: an event as the kernel sent it, or a key whose state was lost. */
export type ResyncOutput =
  | { readonly kind: 'event'; readonly event: InputEvent }
  | { readonly kind: 'lost'; readonly code: number; readonly timeMs: number };

/**
 * SYN_DROPPED handling for one event device, as the kernel documents it
 * (Documentation/input/event-codes.rst): the reader's buffer overran, so every event up to and
 * including the next SYN_REPORT is dropped, and the device's state must be taken afresh. We
 * have no EVIOCGKEY (no native addon), so every key that was down is reported lost: the panel
 * treats it as released without firing its action, and no shift or learn stays held on a
 * press whose release the kernel threw away. Relative events (encoder detents) are just
 * dropped: they carry no state. A device that goes away loses its keys the same way (`gone`).
 */
export class EvdevResync {
  #dropping = false;
  readonly #down = new Set<number>();
  /** How many overruns this device has had. */
  drops = 0;

  push(e: InputEvent): ResyncOutput[] {
    if (e.type === EV_SYN && e.code === SYN_DROPPED) {
      if (!this.#dropping) this.drops++;
      this.#dropping = true;
      return [];
    }
    if (this.#dropping) {
      if (e.type !== EV_SYN || e.code !== SYN_REPORT) return [];
      this.#dropping = false;
      return this.gone(e.timeMs);
    }
    if (e.type === EV_KEY && e.value === 1) this.#down.add(e.code);
    if (e.type === EV_KEY && e.value === 0) this.#down.delete(e.code);
    return [{ kind: 'event', event: e }];
  }

  /** Every key down now, reported lost and forgotten. */
  gone(timeMs: number): ResyncOutput[] {
    const lost = [...this.#down].map((code) => ({ kind: 'lost' as const, code, timeMs }));
    this.#down.clear();
    return lost;
  }
}
