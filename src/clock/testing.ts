import type { MidiOut } from './midi-out.js';
import { Scheduler } from './scheduler.js';
import { VirtualClock } from './time-source.js';
import { VirtualWakeup } from './wakeup.js';

/** A scheduler on virtual time, for tests and simulations. */
export function virtualScheduler(startMs = 0): { clock: VirtualClock; wakeup: VirtualWakeup; scheduler: Scheduler } {
  const clock = new VirtualClock(startMs);
  const wakeup = new VirtualWakeup(clock);
  return { clock, wakeup, scheduler: new Scheduler(clock, wakeup) };
}

/** An output that records what it was sent and when, by the given clock. */
export class RecordingOut implements MidiOut {
  readonly sent: { readonly atMs: number; readonly bytes: readonly number[] }[] = [];
  constructor(
    readonly id: string,
    private readonly clock: { nowMs(): number },
  ) {}
  send(bytes: Uint8Array): boolean {
    this.sent.push({ atMs: this.clock.nowMs(), bytes: [...bytes] });
    return true;
  }
  timesOf(status: number): number[] {
    return this.sent.filter((s) => s.bytes[0] === status).map((s) => s.atMs);
  }
}
