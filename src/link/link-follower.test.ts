import { describe, expect, it } from 'vitest';
import { bpm, ms, msPerTick, ticks } from '../clock/units.js';
import { seededRandom } from '../util/seeded-random.js';
import { LinkFollower } from './link-follower.js';
import type { LinkSample } from './link-session.js';

/** A Link timeline: beat 0 at `zeroMs`, read at `atMs` with the reading's stamp off by `noiseMs`. */
function sample(zeroMs: number, tempo: number, atMs: number, noiseMs = 0, widthUs = 5): LinkSample {
  const beat = ((atMs - zeroMs) * tempo) / 60_000;
  return { atMs: ms(atMs + noiseMs), beat, phase: beat % 4, tempo: bpm(tempo), playing: true, peers: 1, widthUs };
}

describe('LinkFollower', () => {
  it('averages noisy readings down to microseconds and keeps Link tempo as the period', () => {
    const f = new LinkFollower();
    const noise = seededRandom(3);
    for (let t = 1000; t < 2000; t += 5) f.add(sample(900, 123, t, (noise() - 0.5) * 0.08));
    const line = f.timeline;
    expect(line?.periodMs).toBeCloseTo(msPerTick(bpm(123)), 12);
    // Link tick 24 * 10 (beat 10) is at 900 + 10 beats.
    expect(Math.abs((line?.timeOfTick(ticks(240)) ?? 0) - (900 + 10 * (60_000 / 123)))).toBeLessThan(0.01);
  });

  it('starts over on a tempo change, continuing the beat where the peer pivoted', () => {
    const f = new LinkFollower();
    const why: string[] = [];
    f.onChange((w) => why.push(w));
    for (let t = 0; t < 500; t += 5) f.add(sample(0, 120, t));
    // At t = 500 (beat 1) the peer goes to 90: beat 1 stays at 500.
    const zero90 = 500 - 60_000 / 90;
    for (let t = 505; t < 700; t += 5) f.add(sample(zero90, 90, t));
    expect(why).toEqual(['tempo', 'tempo']);
    expect(f.timeline?.timeOfTick(ticks(48))).toBeCloseTo(500 + 60_000 / 90, 6);
  });

  it('ignores one stray reading and wide (interrupted) ones, but follows a real jump of the grid', () => {
    const f = new LinkFollower();
    const why: string[] = [];
    f.onChange((w) => why.push(w));
    for (let t = 0; t < 300; t += 5) f.add(sample(0, 120, t));
    f.add(sample(0, 120, 300, 3));
    f.add(sample(0, 120, 305, 2, 5000));
    for (let t = 310; t < 400; t += 5) f.add(sample(0, 120, t));
    expect(f.timeline?.timeOfTick(ticks(0))).toBeCloseTo(0, 9);
    // A session merge moves beat 0 to 100 ms later: two readings agree, a new fit starts.
    for (let t = 400; t < 600; t += 5) f.add(sample(100, 120, t));
    expect(why).toEqual(['tempo', 'jump']);
    expect(f.timeline?.timeOfTick(ticks(0))).toBeCloseTo(100, 9);
  });
});
