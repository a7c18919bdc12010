import { describe, expect, it } from 'vitest';
import { ClockService, type ClockSource } from '../clock/clock-service.js';
import { RecordingOut, virtualScheduler } from '../clock/testing.js';
import { bpm, ms, msPerTick, ticks } from '../clock/units.js';
import { PlacedNotes } from '../perform/placed-notes.js';
import { masterClockTimeline } from '../perform/timeline-view.js';
import { SimulatedLinkNetwork, type SimulatedLinkSession } from './link-simulator.js';

/** A peer at 97 BPM already in the session, then the box joining it. */
function rig(options: { timingNoiseMs?: number } = {}) {
  const v = virtualScheduler(0);
  const network = new SimulatedLinkNetwork(v.scheduler);
  const peer = network.session({ tempo: 97 });
  peer.setStartStopSync(true);
  peer.enable();
  v.wakeup.advanceTo(1234.5);
  const box = network.session({ tempo: 120, ...options });
  const din = new RecordingOut('din', v.clock);
  const service = new ClockService(v.scheduler, { tempo: bpm(120), outputs: () => [din], link: { session: box } });
  const sources: ClockSource[] = [];
  service.onSourceChange((s) => sources.push(s));
  service.begin();
  return { ...v, network, peer, box, din, service, sources };
}

/** The peer's beat at time `atMs`, read off its own timeline. */
function peerBeat(peer: SimulatedLinkSession, atMs: number): number {
  const s = peer.sampleNow();
  return s.beat + ((atMs - s.atMs) * s.tempo) / 60_000;
}

const offGrid = (x: number): number => Math.abs(x - Math.round(x));

describe('Link as the box clock (simulated session)', () => {
  it('adopts the peer tempo and starts the song on the peer bar line, MIDI clock on Link ticks', () => {
    const { service, peer, din, wakeup, clock, sources } = rig({ timingNoiseMs: 0.03 });
    wakeup.advanceBy(200);
    expect(sources).toEqual(['link']);
    expect(service.transport.tempo).toBeCloseTo(97, 9);
    expect(service.transport.running).toBe(false);
    peer.setPlaying(true);
    wakeup.advanceBy(3000);
    expect(service.transport.running).toBe(true);
    const downbeat = service.timeOfPosition(ticks(0)) ?? NaN;
    expect(offGrid(peerBeat(peer, downbeat) / 4)).toBeLessThan(1e-5);
    // The bridge: Start on that bar line, ahead of its F8, and every F8 on a Link tick.
    const starts = din.timesOf(0xfa);
    expect(starts).toHaveLength(1);
    expect(Math.abs((starts[0] ?? NaN) - downbeat)).toBeLessThan(0.01);
    const start = din.sent.findIndex((s) => s.bytes[0] === 0xfa);
    expect(din.sent[start + 1]).toEqual({ atMs: starts[0], bytes: [0xf8] });
    const f8 = din.timesOf(0xf8);
    for (const t of f8.slice(5)) expect(offGrid(peerBeat(peer, t) * 24)).toBeLessThan(0.0005);
    expect(f8.at(-1)).toBeLessThanOrEqual(clock.nowMs() + msPerTick(bpm(97)));
  });

  it('re-times a queued answer note when the peer changes tempo', () => {
    const { service, peer, wakeup, scheduler } = rig();
    peer.setPlaying(true);
    wakeup.advanceBy(1000);
    const view = masterClockTimeline(service, () => scheduler.nowMs());
    const placed = new PlacedNotes();
    const tick = ticks(service.transport.position + 8 * 24);
    placed.add(1, tick, 'answer', view.timeOfTick(tick));
    peer.setTempo(bpm(140));
    wakeup.advanceBy(10);
    const moves = placed.retime(scheduler.nowMs(), (t) => view.timeOfTick(t));
    expect(moves).toHaveLength(1);
    expect(service.transport.tempo).toBeCloseTo(140, 9);
    const start = service.timeOfPosition(ticks(0)) ?? NaN;
    expect(peerBeat(peer, moves[0]?.atMs ?? NaN) - peerBeat(peer, start)).toBeCloseTo(tick / 24, 6);
  });

  it('leads: the tempo control and transport reach the peer', () => {
    const { service, peer, din, wakeup } = rig();
    wakeup.advanceBy(100);
    expect(service.setTempo(150)).toBe(true);
    expect(service.setPlaying(true)).toBe(true);
    wakeup.advanceBy(100);
    expect(peer.sampleNow()).toMatchObject({ tempo: 150, playing: true });
    wakeup.advanceBy(3000);
    expect(service.setPlaying(false)).toBe(true);
    wakeup.advanceBy(100);
    expect(peer.sampleNow().playing).toBe(false);
    expect(din.timesOf(0xfc)).toHaveLength(1);
    expect(service.transport.running).toBe(false);
  });

  it('puts external MIDI clock first, then Link, and falls back to its own clock when Link dies', () => {
    const { service, box, peer, wakeup, clock, din, sources } = rig();
    wakeup.advanceBy(100);
    for (let i = 0; i < 48; i++) {
      wakeup.advanceTo(clock.nowMs() + 20);
      service.receive({ timeMs: clock.nowMs(), message: { type: 'clock' } });
    }
    expect(service.source).toBe('external');
    wakeup.advanceBy(1500);
    expect(sources).toEqual(['link', 'external', 'link']);
    expect(service.transport.tempo).toBeCloseTo(97, 9);
    const before = din.timesOf(0xf8).length;
    box.fail('helper crashed');
    expect(sources.at(-1)).toBe('internal');
    wakeup.advanceBy(1000);
    // The master carries on at the session's last tempo and phase.
    const after = din.timesOf(0xf8).slice(before + 2);
    expect(after.length).toBeGreaterThan(30);
    for (const t of after) expect(offGrid(peerBeat(peer, t) * 24)).toBeLessThan(1e-6);
    expect(service.setTempo(100)).toBe(true);
  });

  it('keeps playing at the last tempo, in phase, when the peer leaves mid-answer', () => {
    const { service, peer, wakeup, scheduler } = rig();
    peer.setPlaying(true);
    wakeup.advanceBy(2000);
    const view = masterClockTimeline(service, () => scheduler.nowMs());
    const bar = 96;
    const nextBar = Math.ceil(view.tickAt(ms(scheduler.nowMs())) / bar) * bar;
    const promised = view.timeOfTick(ticks(nextBar + 4 * bar));
    peer.disable();
    wakeup.advanceBy(5000);
    expect(service.source).toBe('link');
    expect(service.transport).toMatchObject({ running: true });
    expect(service.transport.tempo).toBeCloseTo(97, 9);
    expect(view.timeOfTick(ticks(nextBar + 4 * bar))).toBeCloseTo(promised, 6);
  });

  it('glides MIDI clock onto the new grid over a beat when a tempo change is heard late, losing no tick', () => {
    const { service, peer, din, wakeup, clock } = rig();
    peer.setPlaying(true);
    wakeup.advanceBy(3000);
    const changeAt = clock.nowMs();
    const before = peer.sampleNow();
    peer.setTempoHeardLate(bpm(131), 50);
    wakeup.advanceBy(3000);
    expect(service.transport.tempo).toBeCloseTo(131, 9);
    // Ticks sent before the box heard of the change were on the old grid (unavoidable); from
    // the next uncommitted one on, a gentle glide: each interval within 5% of a Link tick.
    const f8 = din.timesOf(0xf8).filter((t) => t > changeAt + 2 * msPerTick(bpm(97)));
    const beats = f8.map((t) => peerBeat(peer, t) * 24);
    for (let i = 1; i < beats.length; i++)
      expect(Math.abs((beats[i] ?? 0) - (beats[i - 1] ?? 0) - 1)).toBeLessThan(0.05);
    // A beat after the change, back exactly on Link's ticks.
    const settled = f8.filter((t) => t > changeAt + 60_000 / 131 + 50);
    expect(settled.length).toBeGreaterThan(100);
    for (const t of settled) expect(offGrid(peerBeat(peer, t) * 24)).toBeLessThan(1e-6);
    // No tick lost or doubled: from the Start (a bar line of the old timeline) to the last F8
    // (on the new one; Link keeps the beat count across the pivot) the F8s number Link's ticks.
    const start = din.timesOf(0xfa)[0] ?? NaN;
    const last = f8.at(-1) ?? NaN;
    const startTick = (before.beat + ((start - before.atMs) * before.tempo) / 60_000) * 24;
    expect(offGrid(startTick / 96)).toBeLessThan(1e-6);
    const counted = din.timesOf(0xf8).filter((t) => t >= start && t <= last).length - 1;
    expect(Math.round(peerBeat(peer, last) * 24 - startTick)).toBe(counted);
  });
});
