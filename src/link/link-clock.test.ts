import { describe, expect, it } from 'vitest';
import { bpm, ms, ticks } from '../clock/units.js';
import { LinkClock } from './link-clock.js';
import type { LinkSample } from './link-session.js';

/** A playing 120 BPM Link timeline read at `atMs`, its beats counted `shiftBeats` further on. */
function sample(atMs: number, shiftBeats = 0): LinkSample {
  const beat = atMs / 500 + shiftBeats;
  return { atMs: ms(atMs), beat, phase: beat % 4, tempo: bpm(120), playing: true, peers: 1, widthUs: 5 };
}

describe('LinkClock', () => {
  it('starts the song on a Link bar line and keeps its bars when Link renumbers its beats (a session merge)', () => {
    const clock = new LinkClock();
    const jumps: string[] = [];
    clock.onTimelineChange((why) => jumps.push(why));
    // Not playing first, so the start is seen as a change of play state.
    clock.add({ ...sample(0), playing: false });
    for (let t = 5; t < 3000; t += 5) clock.add(sample(t));
    const start = clock.songStart ?? NaN;
    expect(Math.abs(start % 96)).toBe(0);
    const before = clock.transportAt(3000).position;
    // Link's count moves on by two bars and a beat under the song (9 beats).
    for (let t = 3000; t < 3100; t += 5) clock.add(sample(t, 9));
    expect(jumps).toEqual(['tempo', 'jump']);
    // Still a bar line in the new count, and the song moved by the beat, not by nine.
    expect(Math.abs((clock.songStart ?? NaN) % 96)).toBe(0);
    expect(clock.transportAt(3000).position - before).toBe(24);
    // The song's bar lines are Link's bar lines (whole multiples of the quantum).
    const bar = clock.timeOfPosition(ticks(96 * 3)) ?? NaN;
    expect((((bar / 500 + 9) % 4) + 4) % 4).toBeCloseTo(0, 9);
  });
});
