/** How a pot's raw reading becomes a steady knob position. */
export interface PotFilterSettings {
  /** Weight of a new reading in the running average, 0..1 (1 = no smoothing). */
  readonly smoothing: number;
  /** Travel (0..1) the smoothed position must move from the last reported one before it counts. */
  readonly deadBand: number;
}

export const DEFAULT_POT_FILTER: PotFilterSettings = { smoothing: 0.5, deadBand: 0.006 };

/**
 * Smoothing plus a dead band: ADC noise on a still pot never reaches a parameter, yet the
 * ends of the travel are always reachable (a reading at 0 or 1 is reported even inside the band).
 */
export class PotFilter {
  #smoothed: number | undefined;
  #reported: number | undefined;

  constructor(private readonly settings: PotFilterSettings = DEFAULT_POT_FILTER) {}

  /** A reading (0..1); returns the new position when the pot moved, else undefined. */
  reading(position: number): number | undefined {
    const x = Math.min(1, Math.max(0, position));
    this.#smoothed = this.#smoothed === undefined ? x : this.#smoothed + this.settings.smoothing * (x - this.#smoothed);
    const s = this.#smoothed;
    const atEnd =
      (s < this.settings.deadBand / 2 && this.#reported !== 0) ||
      (s > 1 - this.settings.deadBand / 2 && this.#reported !== 1);
    if (this.#reported !== undefined && !atEnd && Math.abs(s - this.#reported) < this.settings.deadBand)
      return undefined;
    this.#reported = atEnd ? Math.round(s) : s;
    return this.#reported;
  }

  get position(): number | undefined {
    return this.#reported;
  }
}

/**
 * Soft takeover (pickup): after the parameter changed elsewhere (a preset, a CC, the page),
 * the pot does nothing until it passes the parameter's current position, so nothing jumps.
 */
export class SoftTakeover {
  #engaged = false;
  #lastPot: number | undefined;

  constructor(private readonly tolerance = 0.02) {}

  /** The parameter moved without this pot (another source): the pot must pick it up again. */
  release(): void {
    this.#engaged = false;
  }

  /** The pot's last reading is stale (its ADC was gone): pick up afresh from the next readings. */
  forget(): void {
    this.#engaged = false;
    this.#lastPot = undefined;
  }

  get engaged(): boolean {
    return this.#engaged;
  }

  /** The pot moved to `pot`; `param` is where the parameter sits (0..1). True when the pot drives it now. */
  moved(pot: number, param: number): boolean {
    const last = this.#lastPot;
    this.#lastPot = pot;
    if (this.#engaged) return true;
    const crossed = last !== undefined && (last - param) * (pot - param) <= 0;
    if (crossed || Math.abs(pot - param) <= this.tolerance) this.#engaged = true;
    return this.#engaged;
  }
}
