import type { MonotonicClock, VirtualClock } from './time-source.js';

/**
 * How the scheduler gets control back at a deadline. Exactly one pending deadline: `arm`
 * replaces any earlier one. `fire` is called at or after the deadline, never before.
 */
export interface Wakeup {
  arm(deadlineMs: number, fire: () => void): void;
  disarm(): void;
}

/**
 * For tests: fires when the test moves the virtual clock past the deadline, with the clock
 * set to the deadline itself, so "late" never happens unless a test says so.
 */
export class VirtualWakeup implements Wakeup {
  private deadline: number | undefined;
  private fire: (() => void) | undefined;
  constructor(private readonly clock: VirtualClock) {}

  arm(deadlineMs: number, fire: () => void): void {
    this.deadline = deadlineMs;
    this.fire = fire;
  }
  disarm(): void {
    this.deadline = undefined;
    this.fire = undefined;
  }
  /** The pending deadline, if any: a harness can stop at it and let the work it starts finish. */
  get nextDeadline(): number | undefined {
    return this.deadline;
  }

  /** Advances time to `timeMs`, firing every deadline on the way at its own instant. */
  advanceTo(timeMs: number): void {
    for (;;) {
      const deadline = this.deadline;
      const fire = this.fire;
      if (deadline === undefined || fire === undefined || deadline > timeMs) break;
      this.disarm();
      if (deadline > this.clock.nowMs()) this.clock.set(deadline);
      fire();
    }
    if (timeMs > this.clock.nowMs()) this.clock.set(timeMs);
  }
  advanceBy(deltaMs: number): void {
    this.advanceTo(this.clock.nowMs() + deltaMs);
  }
}

export interface SpinWakeupOptions {
  /** How long before the deadline the coarse timer hands over to the spin (ms). */
  readonly spinMs: number;
}

/**
 * Coarse setTimeout to `spinMs` before the deadline, then a busy-wait on the monotonic clock
 * to the deadline itself. setTimeout alone lands 1+ ms late (libuv rounds to whole ms and
 * the event loop adds its own delay); the spin costs at most `spinMs` of CPU per deadline.
 * Chosen by bench/clock.bench.ts, which measures it against the alternatives.
 */
export class SpinWakeup implements Wakeup {
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  constructor(
    private readonly clock: MonotonicClock,
    private readonly options: SpinWakeupOptions = { spinMs: 2 },
  ) {}

  arm(deadlineMs: number, fire: () => void): void {
    this.disarm();
    const generation = ++this.generation;
    const spinAndFire = (): void => {
      this.timer = undefined;
      if (generation !== this.generation) return;
      while (this.clock.nowMs() < deadlineMs) {
        // busy-wait: the last stretch must not depend on the event loop
      }
      fire();
    };
    const coarse = deadlineMs - this.clock.nowMs() - this.options.spinMs;
    // A microtask, not a direct call: `arm` must never re-enter its caller.
    if (coarse <= 0) queueMicrotask(spinAndFire);
    else this.timer = setTimeout(spinAndFire, Math.floor(coarse));
  }

  disarm(): void {
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
