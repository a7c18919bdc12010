/**
 * Turns RtMidi's per-message delta times (taken from ALSA's own event timestamps) into
 * absolute monotonic times. The JS callback can run milliseconds after the kernel saw the
 * byte; chaining deltas keeps the spacing the player actually played, and re-anchoring to
 * `now` after a pause stops any error from accumulating.
 */
export class DeltaTimestamper {
  #last: number | undefined;

  constructor(
    private readonly now: () => number,
    /** After this long without input, trust the clock again rather than the delta chain. */
    private readonly reanchorAfterMs = 250,
  ) {}

  stamp(deltaSeconds: number): number {
    const now = this.now();
    const chained = this.#last === undefined ? now : this.#last + deltaSeconds * 1000;
    const stamped = chained > now || now - chained > this.reanchorAfterMs ? now : chained;
    this.#last = stamped;
    return stamped;
  }
}
