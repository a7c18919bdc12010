/**
 * Tap tempo: the tempo of the last few taps. A gap of more than two seconds starts afresh,
 * and the average of up to four intervals steadies a shaky hand. Pure; times in ms.
 */
export class TapTempo {
  #taps: number[] = [];

  constructor(
    private readonly resetAfterMs = 2000,
    private readonly intervals = 4,
  ) {}

  /** Records a tap; returns the tempo in BPM once two taps are close enough, else undefined. */
  tap(atMs: number): number | undefined {
    const last = this.#taps[this.#taps.length - 1];
    if (last !== undefined && (atMs - last > this.resetAfterMs || atMs <= last)) this.#taps = [];
    this.#taps.push(atMs);
    this.#taps = this.#taps.slice(-(this.intervals + 1));
    if (this.#taps.length < 2) return undefined;
    const first = this.#taps[0] ?? atMs;
    const meanMs = (atMs - first) / (this.#taps.length - 1);
    return Math.round((60_000 / meanMs) * 10) / 10;
  }
}
