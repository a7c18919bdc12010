import { Priority, type Scheduler } from './scheduler.js';

/** A pending timer; `cancel` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Coarse timers for housekeeping (device polls, retries, watchdogs): never for notes or
 * clock, which go through the Scheduler. Injected, so a whole box runs on virtual time.
 */
export interface Timers {
  /** Calls `fn` once after `delayMs`. */
  after(delayMs: number, fn: () => void): TimerHandle;
  /** Calls `fn` every `periodMs` until cancelled. */
  every(periodMs: number, fn: () => void): TimerHandle;
}

/** Node's own timers: what the box uses on real time. */
export const nodeTimers: Timers = {
  after(delayMs, fn) {
    const t = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(t) };
  },
  every(periodMs, fn) {
    const t = setInterval(fn, periodMs);
    return { cancel: () => clearInterval(t) };
  },
};

/**
 * Timers on a Scheduler's clock, for a box on virtual time. They run at the lowest priority,
 * after the notes and ticks due at the same instant, as Node's timers would.
 */
export function schedulerTimers(scheduler: Scheduler): Timers {
  let next = 0;
  const after = (delayMs: number, fn: () => void): TimerHandle => {
    const tag = `timer:${next++}`;
    scheduler.callAt(scheduler.nowMs() + delayMs, () => fn(), Priority.note + 1, tag);
    return { cancel: () => void scheduler.cancel(tag) };
  };
  return {
    after,
    every(periodMs, fn) {
      let current: TimerHandle | undefined;
      let live = true;
      const arm = (): void => {
        current = after(periodMs, () => {
          if (!live) return;
          arm();
          fn();
        });
      };
      arm();
      return {
        cancel: () => {
          live = false;
          current?.cancel();
        },
      };
    },
  };
}
