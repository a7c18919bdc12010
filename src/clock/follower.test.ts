import { describe, expect, it } from 'vitest';
import { ClockFollower } from './follower.js';
import { rampTempo, syntheticClock, type SyntheticTick } from './synthetic-clock.js';
import { steps, ticks } from './units.js';

function feed(
  follower: ClockFollower,
  stream: readonly SyntheticTick[],
): { tempoErrorPct: number[]; states: string[] } {
  const tempoErrorPct: number[] = [];
  const states: string[] = [];
  for (const tick of stream) {
    if (tick.arrivedMs !== undefined) follower.clock(tick.arrivedMs);
    const status = follower.status(tick.trueMs);
    states.push(status.state);
    tempoErrorPct.push(
      status.tempo === undefined ? Infinity : (Math.abs(status.tempo - tick.tempo) / tick.tempo) * 100,
    );
  }
  return { tempoErrorPct, states };
}

const beatsTicks = (n: number): number => n * 24;
const maxOf = (xs: readonly number[]): number => Math.max(...xs);

describe('ClockFollower', () => {
  it('locks to a steady 174 BPM clock within one beat, exactly', () => {
    const run = feed(new ClockFollower(), syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(16), startMs: 5e8 }));
    expect(run.states.indexOf('locked')).toBeLessThanOrEqual(beatsTicks(1));
    expect(maxOf(run.tempoErrorPct.slice(2))).toBeLessThan(1e-6);
  });

  it('rejects ±1 ms jitter: locked within 2 beats, tempo within 0.1% from then on', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(64), jitterMs: 1, seed });
      const run = feed(new ClockFollower(), stream);
      expect(run.states[beatsTicks(2)]).toBe('locked');
      expect(maxOf(run.tempoErrorPct.slice(beatsTicks(2)))).toBeLessThan(0.1);
    }
  });

  it('predicts the next tick within the jitter once locked', () => {
    const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(16), jitterMs: 1, seed: 11 });
    const follower = new ClockFollower();
    let worst = 0;
    stream.forEach((tick, k) => {
      if (tick.arrivedMs !== undefined) follower.clock(tick.arrivedMs);
      const timeline = follower.status(tick.trueMs).timeline;
      const next = stream[k + 1];
      if (k >= beatsTicks(2) && timeline && next)
        worst = Math.max(worst, Math.abs(timeline.timeOfTick(ticks(timeline.anchorTick + 1)) - next.trueMs));
    });
    expect(worst).toBeLessThan(0.5);
  });

  it('follows a tempo ramp (120 -> 140 BPM over 20 s) within 0.6%, and settles within 0.1%', () => {
    const stream = syntheticClock({
      tempoAt: rampTempo(120, 140, 5000, 25000),
      ticks: beatsTicks(80),
      jitterMs: 1,
      seed: 3,
    });
    const run = feed(new ClockFollower(), stream);
    expect(maxOf(run.tempoErrorPct.slice(beatsTicks(2)))).toBeLessThan(0.6);
    const settled = stream.findIndex((t) => t.trueMs > 25000 + (4 * 60_000) / 140);
    expect(maxOf(run.tempoErrorPct.slice(settled))).toBeLessThan(0.1);
  });

  it('keeps tempo through 10% dropped ticks; position counts the clocks that arrived', () => {
    const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(64), jitterMs: 1, dropRate: 0.1, seed: 9 });
    const follower = new ClockFollower();
    follower.start();
    const run = feed(follower, stream);
    expect(maxOf(run.tempoErrorPct.slice(beatsTicks(3)))).toBeLessThan(0.1);
    expect(follower.status(0).transport.position).toBe(stream.filter((t) => t.arrivedMs !== undefined).length);
  });

  it('honours start, stop, song position and continue', () => {
    const follower = new ClockFollower();
    const period = 60_000 / (120 * 24);
    let t = 0;
    const tick = (n: number): void => {
      for (let i = 0; i < n; i++) follower.clock((t += period));
    };
    tick(30);
    expect(follower.status(t).transport).toMatchObject({ running: false, position: 0 });
    follower.start();
    tick(10);
    expect(follower.status(t).transport).toMatchObject({ running: true, position: 10 });
    follower.stop();
    tick(5);
    expect(follower.status(t).transport).toMatchObject({ running: false, position: 10 });
    follower.songPosition(steps(32));
    follower.continue();
    tick(1);
    expect(follower.status(t).transport.position).toBe(32 * 6 + 1);
    const next = follower.timeOfPosition(ticks(32 * 6 + 1));
    expect(next).toBeCloseTo(t + period, 6);
    follower.songPosition(steps(0)); // ignored while running
    expect(follower.status(t).transport.position).toBe(32 * 6 + 1);
  });

  it('freewheels at the last tempo when ticks stop, then declares the clock lost', () => {
    const follower = new ClockFollower({ lostAfterMs: 500 });
    const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(4) });
    feed(follower, stream);
    const last = stream[stream.length - 1]?.trueMs ?? 0;
    expect(follower.status(last + 10).state).toBe('locked');
    const freewheel = follower.status(last + 100);
    expect(freewheel.state).toBe('freewheel');
    expect(freewheel.tempo).toBeCloseTo(174, 6);
    expect(follower.status(last + 499).state).toBe('freewheel');
    expect(follower.status(last + 500).state).toBe('lost');
    // Ticks return: a fresh fit, no tempo from the gap.
    follower.clock(last + 2000);
    follower.clock(last + 2000 + 60_000 / (100 * 24));
    expect(follower.status(last + 2030).tempo).toBeCloseTo(100, 6);
  });

  it('keeps tempo and count through a burst of late ticks (a buffering interface)', () => {
    const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(8), jitterMs: 1, seed: 6 });
    // Ticks 100..102 held up and delivered together just after tick 102 was due.
    const burst = stream.map((t) =>
      t.index >= 100 && t.index <= 102
        ? { ...t, arrivedMs: (stream[102]?.trueMs ?? 0) + 0.3 + 0.1 * (t.index - 100) }
        : t,
    );
    const follower = new ClockFollower();
    follower.start();
    const run = feed(follower, burst);
    expect(maxOf(run.tempoErrorPct.slice(beatsTicks(2)))).toBeLessThan(0.1);
    expect(follower.status(0).transport.position).toBe(beatsTicks(8));
  });

  it('re-locks after an abrupt tempo jump', () => {
    const stream = syntheticClock({
      tempoAt: (t) => (t < 10_000 ? 120 : 140),
      ticks: beatsTicks(48),
      jitterMs: 1,
      seed: 8,
    });
    const run = feed(new ClockFollower(), stream);
    const jump = stream.findIndex((t) => t.tempo === 140);
    expect(maxOf(run.tempoErrorPct.slice(jump + beatsTicks(4)))).toBeLessThan(0.1);
  });

  it('freewheels on the tempo it had while locked, not on a garbled last stretch', () => {
    const stream = syntheticClock({ tempoAt: () => 174, ticks: beatsTicks(8), jitterMs: 1, seed: 12 });
    const follower = new ClockFollower({ lostAfterMs: 500 });
    feed(follower, stream);
    const last = stream[stream.length - 1]?.trueMs ?? 0;
    // The sender stalls, then dumps a last burst with ragged gaps before dying.
    [60, 63, 67, 70, 95, 97].forEach((d) => follower.clock(last + d));
    const freewheel = follower.status(last + 200);
    expect(freewheel.state).toBe('freewheel');
    expect(Math.abs((freewheel.tempo ?? 0) - 174) / 174).toBeLessThan(0.001);
  });

  it('is idle before any tick', () => {
    expect(new ClockFollower().status(0)).toMatchObject({ state: 'idle', tempo: undefined });
  });
});
