import { describe, expect, it } from 'vitest';
import { ClockFollower } from '../clock/follower.js';
import { syntheticClock } from '../clock/synthetic-clock.js';
import { ms, ticks, type Ticks } from '../clock/units.js';
import { PlacedNotes } from './placed-notes.js';

describe('PlacedNotes', () => {
  it('moves only entries still ahead whose time changed, and forgets the ones that went out', () => {
    const placed = new PlacedNotes(0.05);
    placed.add(1, ticks(24), 'a:on', 500);
    placed.add(2, ticks(48), 'a:on', 1000);
    placed.add(3, ticks(72), 'a:off', 1500);
    const slower = (t: Ticks) => ms(t * 25);
    expect(placed.retime(600, slower)).toEqual([
      { id: 2, atMs: 1200 },
      { id: 3, atMs: 1800 },
    ]);
    expect(placed.size).toBe(2);
    expect(placed.retime(600, slower)).toEqual([]);
    placed.cancel('a:off', 1000);
    expect(placed.retime(700, (t) => ms(t * 20))).toEqual([{ id: 2, atMs: 960 }]);
  });

  it('keeps answer notes on a followed clock that changes tempo after they were queued', () => {
    // 120 BPM for 4 beats, then the drummer's clock jumps to 140.
    const stream = syntheticClock({
      tempoAt: (elapsed) => (elapsed < 2000 ? 120 : 140),
      ticks: 24 * 16,
      startMs: 1e6,
      jitterMs: 0.5,
      seed: 3,
    });
    const follower = new ClockFollower();
    follower.start();
    let fed = 0;
    const arrive = (upTo: number): number => {
      for (; fed <= upTo; fed++) {
        const at = stream[fed]?.arrivedMs;
        if (at !== undefined) follower.clock(at);
      }
      return stream[upTo]?.trueMs ?? NaN;
    };
    const timeOf = (t: Ticks) => follower.timeOfPosition(t) ?? ms(NaN);
    // Queued at beat 2: an answer on beats 12..15, timed at 120 BPM.
    arrive(24 * 2);
    const placed = new PlacedNotes();
    const answer = [12, 13, 14, 15].map((beat) => ticks(beat * 24));
    answer.forEach((tick, i) => placed.add(i, tick, 'answer:on', timeOf(tick)));
    const queuedError = Math.max(...answer.map((tick) => Math.abs(timeOf(tick) - (stream[tick]?.trueMs ?? NaN))));
    // The tempo change arrives tick by tick; the session retimes on every tick.
    const after = new Map<number, number>();
    for (let n = 24 * 2 + 1; n < 24 * 11; n++) {
      const now = arrive(n);
      for (const m of placed.retime(now, timeOf)) after.set(m.id, m.atMs);
    }
    const errors = answer.map((tick, i) => Math.abs((after.get(i) ?? NaN) - (stream[tick]?.trueMs ?? NaN)));
    expect(queuedError).toBeGreaterThan(500);
    expect(Math.max(...errors)).toBeLessThan(1);
  });
});
