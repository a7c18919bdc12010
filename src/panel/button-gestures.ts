/** What a button did, as a musician means it. */
export type Gesture = 'down' | 'up' | 'press' | 'long' | 'double';

export interface GestureSettings {
  /** Held at least this long: a long-press (fires while still held). */
  readonly longMs: number;
  /** A second press within this long after the first release: a double-press. */
  readonly doubleMs: number;
}

export const DEFAULT_GESTURES: GestureSettings = { longMs: 700, doubleMs: 300 };

/**
 * Press, long-press and double-press from a button's edges on the box's clock. Pure: the
 * caller feeds edges and calls `due(now)` at `nextDeadline()`. A button that has no double
 * action reports `press` at release, with no wait; one that has waits `doubleMs` first.
 * `down` and `up` are always reported, for held controls (shift, learn).
 */
export class ButtonGestures {
  #downAt: number | undefined;
  #longFired = false;
  #pendingPressAt: number | undefined;

  constructor(
    private readonly wantsDouble: boolean,
    private readonly settings: GestureSettings = DEFAULT_GESTURES,
  ) {}

  get held(): boolean {
    return this.#downAt !== undefined;
  }

  edge(pressed: boolean, atMs: number): Gesture[] {
    const out = this.due(atMs);
    if (pressed) {
      if (this.#downAt !== undefined) return out;
      this.#downAt = atMs;
      this.#longFired = false;
      out.push('down');
      if (this.#pendingPressAt !== undefined) {
        this.#pendingPressAt = undefined;
        out.push('double');
        this.#longFired = true; // the second press of a double is spent
      }
      return out;
    }
    if (this.#downAt === undefined) return out;
    this.#downAt = undefined;
    out.push('up');
    if (this.#longFired) return out;
    if (this.wantsDouble) this.#pendingPressAt = atMs;
    else out.push('press');
    return out;
  }

  /**
   * The button's state was lost (its events dropped, its device gone): forget it. A held
   * button reports `up` (so shift and learn let go) but no press, long-press or double.
   */
  lost(): Gesture[] {
    const wasDown = this.#downAt !== undefined;
    this.#downAt = undefined;
    this.#pendingPressAt = undefined;
    this.#longFired = false;
    return wasDown ? ['up'] : [];
  }

  /** Gestures whose time has come by `nowMs` (a long-press while held, a single press after the double window). */
  due(nowMs: number): Gesture[] {
    const out: Gesture[] = [];
    if (this.#downAt !== undefined && !this.#longFired && nowMs - this.#downAt >= this.settings.longMs) {
      this.#longFired = true;
      this.#pendingPressAt = undefined;
      out.push('long');
    }
    if (this.#pendingPressAt !== undefined && nowMs - this.#pendingPressAt >= this.settings.doubleMs) {
      this.#pendingPressAt = undefined;
      out.push('press');
    }
    return out;
  }

  /** When `due` next has something to report; undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    if (this.#downAt !== undefined && !this.#longFired) return this.#downAt + this.settings.longMs;
    if (this.#pendingPressAt !== undefined) return this.#pendingPressAt + this.settings.doubleMs;
    return undefined;
  }
}
