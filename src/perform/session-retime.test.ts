import { describe, expect, it } from 'vitest';
import { TickTimeline } from '../clock/tick-timeline.js';
import { bpm, ms, ticks, type Milliseconds, type Ticks } from '../clock/units.js';
import type { TimelineView } from './engine-types.js';
import { performRig } from './test-rig.js';

/** A timeline whose tempo can change under the engine, pivoting on the current tick (no phase jump). */
function changeableTimeline(tempo: number): TimelineView & { setTempo(tempo: number, atMs: number): void } {
  let line = TickTimeline.start(ticks(0), ms(0), bpm(tempo));
  return {
    stepsPerBar: 16,
    tempo: () => line.tempo,
    timeOfTick: (t: Ticks) => line.timeOfTick(t),
    tickAt: (t: Milliseconds) => line.tickAt(t),
    setTempo(next: number, atMs: number) {
      line = line.withTempo(bpm(next), line.tickAt(ms(atMs)));
    },
  };
}

describe('PerformanceSession: queued answers follow the timeline', () => {
  it('moves notes handed over ahead when the tempo changes before they play', async () => {
    const view = changeableTimeline(120);
    const r = performRig({ view, params: { responseBars: 2 } });
    r.playBar(0);
    r.playBar(1);
    // The answer (bars 3-4) is handed over whole before it starts; the tempo drops halfway through bar 3.
    const changeAt = r.at(3, 8);
    await r.run(changeAt);
    expect(r.noteOns().filter((s) => s.atMs >= r.at(3)).length).toBeGreaterThan(0);
    view.setTempo(96, changeAt);
    await r.run(view.timeOfTick(ticks(6 * 96)));
    const turn = r.exchanges[0]?.turns[0];
    expect(turn?.startBar).toBe(3);
    const notes = turn?.notes ?? [];
    expect(notes.length).toBeGreaterThan(4);
    const ons = r.noteOns();
    const oldLine = TickTimeline.start(ticks(0), ms(0), bpm(120));
    // A change is heard from the session's next tick on: a note due before it keeps its time.
    const heardFrom = oldLine.timeOfTick(ticks(Math.floor(oldLine.tickAt(ms(changeAt))) + 1));
    for (const n of notes) {
      const due = oldLine.timeOfTick(n.tick) < heardFrom ? oldLine.timeOfTick(n.tick) : view.timeOfTick(n.tick);
      expect(
        ons.some((s) => s.message.type === 'noteOn' && s.message.note === n.pitch && Math.abs(s.atMs - due) < 1e-6),
      ).toBe(true);
    }
    // Nothing after the change played at the old tempo's times.
    const afterChange = notes.filter((n) => oldLine.timeOfTick(n.tick) >= heardFrom);
    expect(afterChange.length).toBeGreaterThan(2);
    expect(ons.some((s) => afterChange.some((n) => Math.abs(s.atMs - oldLine.timeOfTick(n.tick)) < 1e-6))).toBe(false);
  });
});
