import type { Bpm } from './units.js';
import { MAX_BPM, MIN_BPM, bpm } from './units.js';

/**
 * Tap tempo: the mean interval of the last taps, by least squares over tap index so one
 * early or late tap moves the answer by a fraction of its error. A pause longer than the
 * slowest accepted beat starts a new series.
 */
export class TapTempo {
  private taps: number[] = [];
  constructor(private readonly maxTaps = 8) {}

  /** Records a tap; returns the tempo once there are two taps in a series. */
  tap(atMs: number): Bpm | undefined {
    const last = this.taps[this.taps.length - 1];
    if (last !== undefined && (atMs - last > 60_000 / MIN_BPM || atMs <= last)) this.taps = [];
    this.taps.push(atMs);
    if (this.taps.length > this.maxTaps) this.taps.shift();
    const n = this.taps.length;
    if (n < 2) return undefined;
    const meanI = (n - 1) / 2;
    const meanT = this.taps.reduce((a, b) => a + b, 0) / n;
    let num = 0;
    let den = 0;
    this.taps.forEach((t, i) => {
      num += (i - meanI) * (t - meanT);
      den += (i - meanI) ** 2;
    });
    const tempo = 60_000 / (num / den);
    return bpm(Math.min(MAX_BPM, Math.max(MIN_BPM, tempo)));
  }

  reset(): void {
    this.taps = [];
  }
}
