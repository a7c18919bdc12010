import type { Milliseconds, Ticks } from '../clock/units.js';
import { TICKS_PER_STEP, ticks } from '../clock/units.js';
import { barTick, barTime, ticksPerBar } from './bars.js';
import type { EngineAction, RecordedNote, TimelineView } from './engine-types.js';
import type { FeltHit } from '../groove/groove.js';

/** A note the engine has put on the scheduler (or is about to). */
export interface ScheduledNote {
  readonly pitch: number;
  readonly velocity: number;
  readonly onMs: Milliseconds;
  readonly offMs: Milliseconds;
  readonly tick: Ticks;
  readonly offTick: Ticks;
}

/** One voice's response as scheduled: its notes, where they go, and the tags that cancel it. */
export interface Turn {
  readonly tag: string;
  readonly voice: string;
  readonly channel: number;
  readonly startBar: number;
  readonly bars: number;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  readonly notes: readonly ScheduledNote[];
}

/**
 * Lays felt hits onto the song timeline from `startBar`. Nothing may sound before the bar
 * line itself (an early push on the first step is dropped), because the bar line is the
 * deadline the slip rule guarantees.
 */
export function scheduleHits(
  hits: readonly FeltHit[],
  startBar: number,
  view: TimelineView,
  gateSteps: number,
): ScheduledNote[] {
  const firstTick = barTick(startBar, view.stepsPerBar);
  return hits
    .map((h) => {
      const tick = ticks(Math.max(firstTick, firstTick + (h.step + h.offsetSteps) * TICKS_PER_STEP));
      const offTick = ticks(tick + gateSteps * TICKS_PER_STEP);
      return {
        pitch: h.pitch,
        velocity: h.velocity,
        tick,
        offTick,
        onMs: view.timeOfTick(tick),
        offMs: view.timeOfTick(offTick),
      };
    })
    .sort((a, b) => a.onMs - b.onMs || a.pitch - b.pitch);
}

export const onTag = (turn: Turn): string => `${turn.tag}:on`;
export const offTag = (turn: Turn): string => `${turn.tag}:off`;

/** Scheduler sends for a turn: note-ons and note-offs under separate tags. */
export function sendsOf(turn: Turn): EngineAction[] {
  const out: EngineAction[] = [];
  for (const n of turn.notes) {
    const base = { kind: 'send', voice: turn.voice } as const;
    out.push({
      ...base,
      atMs: n.onMs,
      tick: n.tick,
      tag: onTag(turn),
      message: { type: 'noteOn', channel: turn.channel, note: n.pitch, velocity: n.velocity },
    });
    out.push({
      ...base,
      atMs: n.offMs,
      tick: n.offTick,
      tag: offTag(turn),
      message: { type: 'noteOff', channel: turn.channel, note: n.pitch, velocity: 0 },
    });
  }
  return out;
}

/**
 * Stops a turn at `nowMs`: drops its future note-ons and note-offs, and sends note-offs now
 * for any note that is sounding, so nothing is left hanging.
 */
export function silenceTurn(turn: Turn, nowMs: Milliseconds): EngineAction[] {
  const out: EngineAction[] = [
    { kind: 'cancel', tag: onTag(turn), fromMs: nowMs },
    { kind: 'cancel', tag: offTag(turn), fromMs: nowMs },
  ];
  for (const n of turn.notes) {
    if (n.onMs <= nowMs && n.offMs > nowMs) {
      out.push({
        kind: 'send',
        atMs: nowMs,
        voice: turn.voice,
        tag: undefined,
        message: { type: 'noteOff', channel: turn.channel, note: n.pitch, velocity: 0 },
      });
    }
  }
  return out;
}

/** The turn moved to the bar after its end (loop-the-response repeats). */
export function repeatTurn(turn: Turn, tag: string, view: TimelineView): Turn {
  return moveTurn(turn, turn.startBar + turn.bars, tag, view);
}

/** The turn moved by whole bars to begin at `startBar` (a repeat, or undo playing an older response again). */
export function moveTurn(turn: Turn, startBar: number, tag: string, view: TimelineView): Turn {
  const shiftTicks = (startBar - turn.startBar) * ticksPerBar(view.stepsPerBar);
  const notes = turn.notes.map((n) => {
    const tick = ticks(n.tick + shiftTicks);
    const offTick = ticks(n.offTick + shiftTicks);
    return { ...n, tick, offTick, onMs: view.timeOfTick(tick), offMs: view.timeOfTick(offTick) };
  });
  return { ...turn, tag, startBar, notes, ...barSpan(startBar, turn.bars, view) };
}

export function barSpan(
  startBar: number,
  bars: number,
  view: TimelineView,
): { startMs: Milliseconds; endMs: Milliseconds } {
  return { startMs: barTime(startBar, view), endMs: barTime(startBar + bars, view) };
}

export function recordedNotes(notes: readonly ScheduledNote[], gateSteps: number): RecordedNote[] {
  return notes.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    tick: n.tick,
    durationTicks: ticks(gateSteps * TICKS_PER_STEP),
  }));
}

/** Hits per bar in drum events: the loop guard's density measure. */
export function hitsPerBar(events: Uint16Array, stepsPerBar: number): number {
  let hits = 0;
  for (const e of events) for (let v = e; v !== 0; v &= v - 1) hits++;
  return events.length === 0 ? 0 : (hits * stepsPerBar) / events.length;
}
