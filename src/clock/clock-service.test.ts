import { describe, expect, it } from 'vitest';
import type { MidiMessage } from '../midi/message.js';
import { ClockService, type ClockMode } from './clock-service.js';
import { syntheticClock } from './synthetic-clock.js';
import { RecordingOut, virtualScheduler } from './testing.js';
import { bpm, msPerTick } from './units.js';

function rig(mode: ClockMode, thru = false) {
  const v = virtualScheduler(0);
  const din = new RecordingOut('din', v.clock);
  const service = new ClockService(v.scheduler, {
    tempo: bpm(120),
    outputs: () => [din],
    mode,
    thru,
    follower: { lostAfterMs: 500 },
  });
  const feed = (message: MidiMessage, timeMs: number): void => {
    v.wakeup.advanceTo(timeMs);
    service.receive({ timeMs, message });
  };
  return { ...v, din, service, feed };
}

const clock: MidiMessage = { type: 'clock' };

describe('ClockService', () => {
  it('leads in auto mode, follows an external clock when it appears, passing it thru', () => {
    const { service, din, feed, wakeup } = rig('auto', true);
    service.begin();
    wakeup.advanceTo(100);
    expect(service.source).toBe('internal');
    const internalTicks = din.timesOf(0xf8).length;
    expect(internalTicks).toBe(5);
    const external = syntheticClock({ tempoAt: () => 174, ticks: 96, startMs: 200, jitterMs: 1, seed: 5 });
    feed({ type: 'start' }, 199);
    for (const t of external) feed(clock, t.arrivedMs ?? 0);
    expect(service.source).toBe('external');
    expect(service.followerState).toBe('locked');
    expect(service.transport.tempo).toBeCloseTo(174, 0);
    expect(service.transport).toMatchObject({ running: true, position: 96 });
    // Every F8 after the switch is the incoming one, at its arrival time.
    const firstExternal = external[0]?.arrivedMs ?? 0;
    expect(din.timesOf(0xf8).filter((t) => t >= firstExternal)).toEqual(external.map((t) => t.arrivedMs));
  });

  it('takes over at the followed tempo and phase when the clock is lost, song still running', () => {
    const { service, din, feed, wakeup } = rig('auto');
    service.begin();
    const period = msPerTick(bpm(174));
    const external = syntheticClock({ tempoAt: () => 174, ticks: 240, startMs: 100 });
    feed({ type: 'start' }, 99);
    for (const t of external) feed(clock, t.arrivedMs ?? 0);
    const before = din.sent.length;
    const last = external[external.length - 1]?.trueMs ?? 0;
    wakeup.advanceTo(last + 600);
    expect(service.source).toBe('internal');
    const resumed = din.timesOf(0xf8).filter((t) => t > last);
    expect(din.sent.length).toBeGreaterThan(before);
    // The master's ticks land on the external grid, as if the cable had never been pulled.
    for (const t of resumed) {
      const phase = (t - last) / period;
      expect(Math.abs(phase - Math.round(phase))).toBeLessThan(1e-6);
    }
    expect(service.transport.running).toBe(true);
    expect(service.transport.position).toBe(240 + Math.floor((last + 600 - last) / period));
    expect(service.transport.tempo).toBeCloseTo(174, 6);
  });

  it('ignores external clock when forced internal, and never leads when forced external', () => {
    const internal = rig('internal');
    internal.service.begin();
    for (let i = 0; i < 30; i++) internal.feed(clock, 10 + i * 10);
    expect(internal.service.source).toBe('internal');
    const external = rig('external');
    external.service.begin();
    external.wakeup.advanceTo(5000);
    expect(external.din.sent).toHaveLength(0);
    for (let i = 0; i < 30; i++) external.feed(clock, 5000 + i * 10);
    external.wakeup.advanceTo(10_000);
    expect(external.service.source).toBe('external');
    expect(external.service.followerState).toBe('lost');
    expect(external.din.sent).toHaveLength(0);
  });
});

describe('monotonicFromPerformanceNow', () => {
  it('puts performance.now() stamps on the hrtime clock the scheduler uses', async () => {
    const { hrtimeClock, monotonicFromPerformanceNow } = await import('./time-source.js');
    const converted = monotonicFromPerformanceNow(performance.now());
    expect(Math.abs(converted - hrtimeClock.nowMs())).toBeLessThan(5);
  });
});
