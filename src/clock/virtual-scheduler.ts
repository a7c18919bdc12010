import { Scheduler } from './scheduler.js';
import { VirtualClock } from './time-source.js';
import { VirtualWakeup } from './wakeup.js';

/** A scheduler on virtual time: offline rendering (respond, eval) and tests run the box's engine on it. */
export function virtualScheduler(startMs = 0): { clock: VirtualClock; wakeup: VirtualWakeup; scheduler: Scheduler } {
  const clock = new VirtualClock(startMs);
  const wakeup = new VirtualWakeup(clock);
  return { clock, wakeup, scheduler: new Scheduler(clock, wakeup) };
}
