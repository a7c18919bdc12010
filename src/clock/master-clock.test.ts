import { describe, expect, it } from 'vitest';
import { ClockNotRunning, MasterClock } from './master-clock.js';
import type { TickGeneratingOut, TickGrid } from './midi-out.js';
import { RecordingOut, virtualScheduler } from './testing.js';
import { TickTimeline } from './tick-timeline.js';
import { bpm, ms, msPerTick, steps, ticks } from './units.js';

function rig(tempo = 174) {
  const v = virtualScheduler(0);
  const din = new RecordingOut('din', v.clock);
  const usb = new RecordingOut('usb', v.clock);
  const outs = [din, usb];
  const clock = new MasterClock(v.scheduler, { tempo: bpm(tempo), outputs: () => outs });
  return { ...v, din, usb, outs, clock };
}

describe('MasterClock', () => {
  it('puts every tick of an hour at 174 BPM exactly on t0 + n * period (no drift)', () => {
    const { wakeup, din, usb, clock } = rig(174);
    clock.run(1000);
    wakeup.advanceTo(1000 + 3_600_000);
    const period = msPerTick(bpm(174));
    const times = din.timesOf(0xf8);
    expect(times.length).toBe(Math.floor(3_600_000 / period) + 1);
    let worst = 0;
    times.forEach((t, n) => (worst = Math.max(worst, Math.abs(t - (1000 + n * period)))));
    expect(worst).toBeLessThan(1e-6);
    expect(usb.timesOf(0xf8)).toEqual(times);
  });

  it('changes tempo from the next interval without a phase jump', () => {
    const { wakeup, din, clock, clock: _ } = rig(120);
    clock.run(0);
    wakeup.advanceTo(100); // ticks 0..4 sent at 0, 20.83.., tick 5 committed at 104.17
    const committed = clock.nextTickTimeMs ?? NaN;
    clock.setTempo(150);
    wakeup.advanceTo(1000);
    const times = din.timesOf(0xf8);
    const old = msPerTick(bpm(120));
    const fresh = msPerTick(bpm(150));
    expect(times[5]).toBeCloseTo(committed, 9);
    for (let i = 1; i <= 5; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(old, 9);
    for (let i = 6; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(fresh, 9);
    expect(times[times.length - 1]).toBeCloseTo(committed + (times.length - 6) * fresh, 9);
  });

  it('sends Start just before the downbeat clock and counts position from there', () => {
    const { wakeup, din, clock } = rig(120);
    clock.run(0);
    wakeup.advanceTo(30);
    clock.start();
    wakeup.advanceTo(30 + 24 * msPerTick(bpm(120)));
    const startAt = din.timesOf(0xfa);
    expect(startAt).toHaveLength(1);
    const firstAfter = din.sent.findIndex((s) => s.bytes[0] === 0xfa);
    expect(din.sent[firstAfter + 1]).toEqual({ atMs: startAt[0], bytes: [0xf8] });
    expect(clock.transport.running).toBe(true);
    expect(clock.transport.position).toBe(24);
  });

  it('stops holding position, then continues with SPP + Continue from the step boundary', () => {
    const { wakeup, din, clock } = rig(120);
    const p = msPerTick(bpm(120));
    clock.run(0);
    clock.start();
    wakeup.advanceTo(13.5 * p); // 14 clocks sent: position 14
    clock.stop();
    wakeup.advanceTo(40 * p);
    expect(clock.transport).toMatchObject({ running: false, position: 14 });
    clock.continue();
    wakeup.advanceTo(41 * p);
    const spp = din.sent.find((s) => s.bytes[0] === 0xf2);
    expect(spp?.bytes).toEqual([0xf2, 3, 0]); // 14 ticks -> step 3 (18 ticks)
    const sppIndex = din.sent.findIndex((s) => s.bytes[0] === 0xf2);
    expect(din.sent[sppIndex + 1]?.bytes).toEqual([0xfb]);
    expect(din.sent[sppIndex + 2]?.bytes).toEqual([0xf8]);
    expect(clock.transport.position).toBe(18 + 1);
  });

  it('locates with SPP only while stopped', () => {
    const { wakeup, din, clock } = rig(120);
    clock.run(0);
    clock.locate(steps(200));
    wakeup.advanceBy(30);
    expect(din.sent.filter((s) => s.bytes[0] === 0xf2).map((s) => s.bytes)).toEqual([[0xf2, 200 & 0x7f, 1]]);
    expect(clock.transport.position).toBe(1200);
    clock.continue();
    clock.locate(steps(4));
    wakeup.advanceBy(30);
    expect(din.sent.filter((s) => s.bytes[0] === 0xf2)).toHaveLength(2); // the one Continue sent
  });

  it('sets tempo by tap and reads outputs at every tick', () => {
    const { wakeup, din, outs, clock } = rig(120);
    clock.run(0);
    for (const t of [0, 500, 1000, 1500]) {
      wakeup.advanceTo(t);
      clock.tap(t);
    }
    expect(clock.transport.tempo).toBeCloseTo(120, 6);
    clock.tap(1900);
    expect(clock.transport.tempo).toBeGreaterThan(120);
    outs.pop();
    const before = din.sent.length;
    wakeup.advanceBy(100);
    expect(din.sent.length).toBeGreaterThan(before);
  });

  it('refuses transport commands before run, with a typed error', () => {
    const { clock } = rig();
    expect(() => clock.start()).toThrow(ClockNotRunning);
    expect(() => clock.setTempo(1000)).toThrow(/outside/);
  });

  it('stops generating on halt', () => {
    const { wakeup, din, clock, scheduler } = rig();
    clock.run(0);
    wakeup.advanceTo(100);
    clock.halt();
    const n = din.sent.length;
    wakeup.advanceTo(1000);
    expect(din.sent.length).toBe(n);
    expect(scheduler.pending).toBe(0);
  });
});

describe('MasterClock with ticks committed ahead', () => {
  it('keeps its grid, and a tempo change is heard after the committed ticks', () => {
    const v = virtualScheduler(0);
    const din = new RecordingOut('din', v.clock);
    const clock = new MasterClock(v.scheduler, { tempo: bpm(120), outputs: () => [din], aheadTicks: 3 });
    clock.run(0);
    v.wakeup.advanceTo(100); // ticks 0..4 sent; 5..7 committed
    clock.start();
    clock.setTempo(150);
    v.wakeup.advanceTo(1000);
    const times = din.timesOf(0xf8);
    const old = msPerTick(bpm(120));
    for (let i = 1; i <= 7; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(old, 9);
    for (let i = 8; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(msPerTick(bpm(150)), 9);
    const fa = din.sent.findIndex((s) => s.bytes[0] === 0xfa);
    expect(din.sent[fa + 1]).toEqual({ atMs: times[5], bytes: [0xf8] });
  });

  it('places ticks after the committed one on a steered grid, and sends a later Start with its own F8', () => {
    const { wakeup, din, clock } = rig(120);
    const p = msPerTick(bpm(120));
    clock.run(0);
    wakeup.advanceTo(2.5 * p); // ticks 0-2 sent, 3 committed
    clock.startAt(24);
    // An outside grid 0.3 ms later and a touch faster, as Link's fit might move it.
    const steered = TickTimeline.fromPeriod(ticks(0), ms(0.3), ms(p * 0.99));
    clock.steer(steered);
    wakeup.advanceTo(30 * p);
    const times = din.timesOf(0xf8);
    expect(times[3]).toBeCloseTo(3 * p, 9);
    for (let n = 4; n < times.length; n++) expect(times[n]).toBeCloseTo(steered.timeOfTick(ticks(n)), 9);
    const fa = din.sent.findIndex((s) => s.bytes[0] === 0xfa);
    expect(din.sent[fa]?.atMs).toBeCloseTo(steered.timeOfTick(ticks(24)), 9);
    expect(din.sent[fa + 1]).toEqual({ atMs: din.sent[fa]?.atMs, bytes: [0xf8] });
    expect(clock.transport.position).toBe(times.length - 24);
    expect(() => clock.startAt(3)).toThrow(RangeError);
  });

  it('gives a tick-generating output (DIN on its thread) every tick across a tempo change and a steer', () => {
    const v = virtualScheduler(0);
    const thread = new GeneratorOut();
    const clock = new MasterClock(v.scheduler, { tempo: bpm(120), outputs: () => [thread] });
    const p = msPerTick(bpm(120));
    clock.run(0);
    v.wakeup.advanceTo(2.5 * p);
    thread.sendUntil(2.5 * p); // ticks 0-2 out; tick 3 committed, not yet sent
    clock.setTempo(150);
    v.wakeup.advanceTo(10.5 * p);
    thread.sendUntil(10.5 * p);
    clock.steer(TickTimeline.fromPeriod(ticks(0), ms(0.2), ms(p * 0.8)));
    v.wakeup.advanceTo(30 * p);
    thread.sendUntil(30 * p);
    expect(thread.sent.map((t) => t.index)).toEqual(thread.sent.map((_, i) => i));
    expect(thread.sent[3]?.atMs).toBeCloseTo(3 * p, 9);
    expect((thread.sent[4]?.atMs ?? 0) - (thread.sent[3]?.atMs ?? 0)).toBeCloseTo(msPerTick(bpm(150)), 9);
  });
});

/** A clock thread's tick generator, as ClockOutputThread's worker behaves: never re-sends a tick. */
class GeneratorOut implements TickGeneratingOut {
  readonly id = 'din-thread';
  readonly sent: { index: number; atMs: number }[] = [];
  private grid: TickGrid | undefined;
  private next = 0;
  send(): boolean {
    return true;
  }
  sendAt(): boolean {
    return true;
  }
  cancel(): void {
    // nothing queued
  }
  followGrid(grid: TickGrid, fromTick: number): void {
    this.next = this.grid ? Math.max(fromTick, this.next) : fromTick;
    this.grid = grid;
  }
  stopTicks(): void {
    this.grid = undefined;
  }
  sendUntil(nowMs: number): void {
    const g = this.grid;
    if (!g) return;
    for (
      let at = g.anchorTimeMs + (this.next - g.anchorTick) * g.periodMs;
      at <= nowMs;
      at = g.anchorTimeMs + (this.next - g.anchorTick) * g.periodMs
    ) {
      this.sent.push({ index: this.next++, atMs: at });
    }
  }
}
