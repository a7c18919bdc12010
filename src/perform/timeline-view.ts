import type { TransportState } from '../clock/transport.js';
import { TickTimeline } from '../clock/tick-timeline.js';
import type { Bpm, Meter, Milliseconds, Ticks } from '../clock/units.js';
import { FOUR_FOUR, TICKS_PER_STEP, ms, msPerTick, ticks, ticksPerBar } from '../clock/units.js';
import type { TimelineView } from './engine-types.js';

const stepsPerBarOf = (meter: Meter): number => ticksPerBar(meter) / TICKS_PER_STEP;

/** A steady timeline: song position 0 at `startMs`, one tempo (tests, the offline demo). */
export function steadyTimeline(tempo: Bpm, startMs: number, meter: Meter = FOUR_FOUR): TimelineView {
  const line = TickTimeline.start(ticks(0), ms(startMs), tempo);
  return {
    stepsPerBar: stepsPerBarOf(meter),
    tempo: () => tempo,
    timeOfTick: (t: Ticks) => line.timeOfTick(t),
    tickAt: (t: Milliseconds) => line.tickAt(t),
  };
}

/** What a song clock offers the engine: the master, or the ClockService that leads or follows. */
export interface SongClock {
  readonly transport: TransportState;
  timeOfPosition(position: Ticks): Milliseconds | undefined;
}

/**
 * A song clock's timeline (the master's, or the ClockService's, which is the master's or the
 * external follower's). The clock re-anchors on tempo changes, so position 0's
 * time is re-read on every call: the view follows tempo changes without a jump in phase.
 * Before the transport runs, it answers as if song position 0 were now.
 */
export function masterClockTimeline(clock: SongClock, now: () => number): TimelineView {
  const anchor = (): { zero: number; period: number } => {
    const period = msPerTick(clock.transport.tempo);
    return { zero: clock.timeOfPosition(ticks(0)) ?? now(), period };
  };
  return {
    stepsPerBar: stepsPerBarOf(clock.transport.meter),
    tempo: () => clock.transport.tempo,
    timeOfTick: (t: Ticks) => {
      const a = anchor();
      return ms(clock.timeOfPosition(t) ?? a.zero + t * a.period);
    },
    tickAt: (t: Milliseconds) => {
      const a = anchor();
      return ticks((t - a.zero) / a.period);
    },
  };
}
