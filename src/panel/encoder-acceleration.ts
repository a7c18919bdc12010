/** How fast turning speeds an encoder up. */
export interface AccelerationSettings {
  /** Detents per second at and below which one detent is one step. */
  readonly slowPerSecond: number;
  /** Detents per second at and above which one detent is `maxFactor` steps. */
  readonly fastPerSecond: number;
  readonly maxFactor: number;
}

export const DEFAULT_ACCELERATION: AccelerationSettings = { slowPerSecond: 8, fastPerSecond: 40, maxFactor: 10 };

/**
 * Encoder acceleration: a slow turn moves a parameter by one step per detent, so a value can
 * be set exactly; a fast spin crosses the range in one flick. Pure: times come with the detents.
 * The speed is judged from the gap to the previous detent in the same direction; a change of
 * direction starts slow again (a musician correcting an overshoot wants fine steps).
 */
export class EncoderAcceleration {
  #lastAtMs: number | undefined;
  #lastDirection = 0;

  constructor(private readonly settings: AccelerationSettings = DEFAULT_ACCELERATION) {}

  /** Steps for `detents` (signed) turned at `atMs`. */
  steps(detents: number, atMs: number): number {
    if (detents === 0) return 0;
    const direction = Math.sign(detents);
    const gap = this.#lastAtMs === undefined || direction !== this.#lastDirection ? Infinity : atMs - this.#lastAtMs;
    this.#lastAtMs = atMs;
    this.#lastDirection = direction;
    return detents * this.factorAt((Math.abs(detents) / Math.max(gap, 1e-3)) * 1000);
  }

  /** The step factor at a turning speed (detents per second): 1 when slow, up to maxFactor, linear between. */
  factorAt(perSecond: number): number {
    const { slowPerSecond: slow, fastPerSecond: fast, maxFactor } = this.settings;
    if (!(perSecond > slow)) return 1;
    const x = Math.min(1, (perSecond - slow) / (fast - slow));
    return Math.max(1, Math.round(1 + x * (maxFactor - 1)));
  }
}
