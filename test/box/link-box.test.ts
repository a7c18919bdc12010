import { afterEach, describe, expect, it } from 'vitest';
import type { BoxEvent } from '../../src/box/bus-types.js';
import type { Scheduler } from '../../src/clock/scheduler.js';
import { ticks } from '../../src/clock/units.js';
import type { LinkConfig } from '../../src/link/link-config.js';
import type { LinkOpener } from '../../src/link/open-link.js';
import { SimulatedLinkNetwork, type SimulatedLinkSession } from '../../src/link/link-simulator.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';
import { SIM_DRUM_PAD } from '../support/sim-devices.js';

const DRUM_MACHINE = {
  clientName: 'Drum Machine',
  outputs: ['Drum Machine In'],
  usb: { vendorId: 0x4444, productId: 2, serial: 'D', busPath: '1-2' },
} as const;
const NOTE_ON = 0x99;
const PEER_BPM = 97;

/** What the box sent a port, with the virtual time and the peer's Link beat at that instant. */
type Sent = { atMs: number; peerBeat: number; bytes: Uint8Array }[];

/** A Link network on the box's virtual clock, with one peer (a laptop running Live) already in it. */
interface LinkRig {
  peer?: SimulatedLinkSession;
  box?: SimulatedLinkSession;
  opened: LinkConfig[];
}

function linkRig(peer: { playing?: boolean } = {}) {
  const rig: LinkRig = { opened: [] };
  const make = (scheduler: Scheduler): LinkOpener => {
    const network = new SimulatedLinkNetwork(scheduler);
    rig.peer = network.session({ tempo: PEER_BPM });
    rig.peer.setStartStopSync(true);
    rig.peer.enable();
    if (peer.playing) rig.peer.setPlaying(true);
    return (config, o) => {
      rig.opened.push(config);
      rig.box = network.session({ tempo: o.tempo });
      return Promise.resolve(rig.box);
    };
  };
  return { rig, make };
}

const linkConfig = (sync: boolean) => ({ link: { enabled: true, start_stop_sync: sync }, perform: { tempo_bpm: 120 } });

/** The peer's Link beat at `atMs`, read off its own timeline. */
function peerBeat(peer: SimulatedLinkSession, atMs: number): number {
  const s = peer.sampleNow();
  return s.beat + ((atMs - s.atMs) * s.tempo) / 60_000;
}
const offGrid = (x: number): number => Math.abs(x - Math.round(x));

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

function record(s: SimBox, client: number, peer: () => SimulatedLinkSession | undefined): Sent {
  const sent: Sent = [];
  s.backend.onSend(`${client}:0:output`, (bytes) => {
    const atMs = s.clock.nowMs();
    const p = peer();
    sent.push({ atMs, peerBeat: p ? peerBeat(p, atMs) : NaN, bytes });
  });
  return sent;
}

/** The box's next bar line, its bar length, and the time of bar `n` after it. */
function bars(s: SimBox) {
  const view = s.box.clock.timeline;
  const barTicks = view.stepsPerBar * 6;
  const next = (Math.floor(view.tickAt(s.clock.nowMs() as never) / barTicks) + 1) * barTicks;
  return { at: (n: number) => view.timeOfTick(ticks(next + n * barTicks)) };
}

/** A two-bar backbeat on the pad from the box's next bar line; returns that bar line's time and the bar length. */
async function playCall(s: SimBox, client: number): Promise<{ start: number; barMs: number }> {
  const b = bars(s);
  const start = b.at(0);
  const barMs = b.at(1) - start;
  await s.run(start - s.clock.nowMs());
  for (let step = 0; step < 32; step++) {
    const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
    for (const n of notes) s.backend.feed(`${client}:0:input`, [NOTE_ON, n, 100]);
    await s.run(barMs / 32);
    for (const n of notes) s.backend.feed(`${client}:0:input`, [0x89, n, 0]);
    await s.run(barMs / 32);
  }
  return { start, barMs };
}

const noteOns = (sent: Sent): Sent => sent.filter((x) => x.bytes[0] === NOTE_ON && (x.bytes[2] ?? 0) > 0);
const clockEvents = (events: readonly BoxEvent[]) => events.flatMap((e) => (e.kind === 'clock' ? [e.clock] : []));

describe('the whole box on a Link session (virtual time, simulated network)', () => {
  it('follows the session: its tempo, its bar lines, and a peer tempo change, shown on the bus', async () => {
    const { rig, make } = linkRig({ playing: true });
    sim = await startSimBox({ config: linkConfig(true), openLink: make });
    await sim.run(500);
    const peer = rig.peer as SimulatedLinkSession;
    const snap = sim.box.snapshot();
    expect(snap.clock).toMatchObject({ source: 'link', tempo: PEER_BPM, locked: true });
    expect(snap.clock.link).toEqual({ enabled: true, peers: 1, tempo: PEER_BPM, playing: true });
    // Song position 0 is a Link bar line (quantum = the 4/4 bar).
    const zero = sim.box.clock.timeline.timeOfTick(ticks(0));
    expect(offGrid(peerBeat(peer, zero) / 4)).toBeLessThan(1e-5);
    peer.setTempo(130 as never);
    await sim.run(60_000 / PEER_BPM);
    expect(sim.box.snapshot().clock).toMatchObject({ tempo: 130, link: { tempo: 130, peers: 1 } });
    expect(clockEvents(sim.events).some((c) => c.link?.tempo === 130)).toBe(true);
    // The grid after the change is still Link's: bar lines on the peer's bars.
    const b = bars(sim);
    for (const n of [0, 1, 5]) expect(offGrid(peerBeat(peer, b.at(n)) / 4)).toBeLessThan(1e-5);
    expect(sim.logs.some((l) => l['msg'] === 'clock source' && l['source'] === 'link')).toBe(true);
  });

  it("answers on the Link bar line after the call, never early, and a peer's tempo change mid-answer keeps every note on its Link beat", async () => {
    /** The answer to one call, as Link beats from its bar line; `retempoMs` after that bar line the peer goes to 110 BPM. */
    const answer = async (retempoMs: number | undefined) => {
      const { rig, make } = linkRig({ playing: true });
      const s = await startSimBox({ config: linkConfig(true), openLink: make });
      sim = s;
      const pad = s.plug(SIM_DRUM_PAD);
      const sent = record(s, pad, () => rig.peer);
      await s.run(300);
      const peer = rig.peer as SimulatedLinkSession;
      const { start, barMs } = await playCall(s, pad);
      // Ended by a whole silent bar (bar 3), so the answer takes the bar line after it.
      const answerBar = start + 3 * barMs;
      const barBeat = peerBeat(peer, answerBar);
      expect(offGrid(barBeat / 4)).toBeLessThan(1e-5);
      if (retempoMs !== undefined) {
        await s.run(answerBar + retempoMs - s.clock.nowMs());
        peer.setTempo(110 as never);
      }
      await s.run(answerBar + 2 * barMs + 100 - s.clock.nowMs());
      const notes = noteOns(sent).filter((x) => x.atMs >= start + 2 * barMs);
      expect(notes.length).toBeGreaterThan(4);
      expect(Math.min(...notes.map((x) => x.atMs))).toBeGreaterThanOrEqual(answerBar);
      await s.box.stop();
      return notes.map((x) => ({ beat: x.peerBeat - barBeat, pitch: x.bytes[1], atMs: x.atMs - answerBar }));
    };
    const steady = await answer(undefined);
    const changed = await answer(700);
    expect(changed.map((n) => n.pitch)).toEqual(steady.map((n) => n.pitch));
    // Notes queued before the change are re-timed onto Link's new grid: each keeps its beat
    // (but for one sample period after the change, before the box has heard of it).
    const moved = changed.filter((n) => n.atMs > 700 + 10);
    expect(moved.length).toBeGreaterThan(0);
    changed.forEach((n, i) => {
      if (n.atMs > 700 + 10) expect(Math.abs(n.beat - (steady[i]?.beat ?? NaN))).toBeLessThan(1e-3);
    });
    // ...and they did move: at 110 BPM they come well before the steady answer's.
    expect(changed.filter((n, i) => n.atMs > 710 && (steady[i]?.atMs ?? 0) - n.atMs > 10).length).toBeGreaterThan(0);
  });

  it("the box's tempo knob and transport reach the peer", async () => {
    const { rig, make } = linkRig({ playing: true });
    sim = await startSimBox({ config: linkConfig(true), openLink: make });
    await sim.run(300);
    const peer = rig.peer as SimulatedLinkSession;
    sim.box.dispatch({ kind: 'set', param: 'tempo_bpm', value: 140, source: 'test' });
    await sim.run(50);
    expect(peer.sampleNow().tempo).toBe(140);
    expect(sim.box.snapshot().clock.tempo).toBe(140);
    sim.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    await sim.run(50);
    expect(peer.sampleNow().playing).toBe(false);
    expect(sim.box.snapshot().clock.link?.playing).toBe(false);
  });

  it("with start/stop sync, the session's Start and Stop drive the box and its MIDI clock out", async () => {
    const { rig, make } = linkRig({ playing: false });
    sim = await startSimBox({
      config: { ...linkConfig(true), devices: { roles: [{ match: 'Drum Machine', roles: ['clock-out'] }] } },
      openLink: make,
    });
    const machine = sim.plug(DRUM_MACHINE);
    const sent = record(sim, machine, () => rig.peer);
    await sim.run(1000);
    const peer = rig.peer as SimulatedLinkSession;
    expect(sim.box.clock.service.transport.running).toBe(false);
    expect(sent.filter((x) => x.bytes[0] === 0xfa)).toEqual([]);
    peer.setPlaying(true);
    await sim.run(5000);
    expect(sim.box.clock.service.transport.running).toBe(true);
    expect(sim.logs.some((l) => l['msg'] === 'song timeline jumped; engine reset' && l['why'] === 'start')).toBe(true);
    const starts = sent.filter((x) => x.bytes[0] === 0xfa).map((x) => x.atMs);
    expect(starts).toHaveLength(1);
    // MIDI Start on the Link bar line that is song position 0, and every F8 on a Link tick.
    expect(Math.abs((starts[0] ?? NaN) - sim.box.clock.timeline.timeOfTick(ticks(0)))).toBeLessThan(0.01);
    expect(offGrid(peerBeat(peer, starts[0] ?? NaN) / 4)).toBeLessThan(1e-5);
    const f8 = sent.filter((x) => x.bytes[0] === 0xf8 && x.atMs > (starts[0] ?? 0));
    expect(f8.length).toBeGreaterThan(2 * 24);
    for (const x of f8) expect(offGrid(x.peerBeat * 24)).toBeLessThan(0.001);
    peer.setPlaying(false);
    await sim.run(200);
    expect(sim.box.clock.service.transport.running).toBe(false);
    expect(sent.filter((x) => x.bytes[0] === 0xfc)).toHaveLength(1);
    expect(sim.logs.some((l) => l['msg'] === 'song timeline jumped; engine reset' && l['why'] === 'stop')).toBe(true);
  });

  it("without start/stop sync the box plays from boot on the session's bar lines, and leaves the peer's transport alone", async () => {
    const { rig, make } = linkRig({ playing: false });
    sim = await startSimBox({ config: linkConfig(false), openLink: make });
    await sim.run(4000);
    const peer = rig.peer as SimulatedLinkSession;
    expect(sim.box.clock.service.transport.running).toBe(true);
    expect(peer.sampleNow().playing).toBe(false);
    const beats = sim.events.flatMap((e) => (e.kind === 'beat' && e.beat === 0 ? [e.atMs] : []));
    expect(beats.length).toBeGreaterThan(0);
    for (const t of beats) expect(offGrid(peerBeat(peer, t) / 4)).toBeLessThan(1e-5);
  });

  it("without sync, the box's Stop and Play restart its song on the session's next bar line, and it answers there", async () => {
    const { rig, make } = linkRig({ playing: false });
    sim = await startSimBox({ config: linkConfig(false), openLink: make });
    const pad = sim.plug(SIM_DRUM_PAD);
    const sent = record(sim, pad, () => rig.peer);
    await sim.run(3000);
    const peer = rig.peer as SimulatedLinkSession;
    sim.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    await sim.run(500);
    expect(sim.box.clock.service.transport.running).toBe(false);
    sim.box.dispatch({ kind: 'transport', play: true, source: 'test' });
    await sim.run(3000);
    expect(sim.box.clock.service.transport.running).toBe(true);
    expect(peer.sampleNow().playing).toBe(false);
    expect(offGrid(peerBeat(peer, sim.box.clock.timeline.timeOfTick(ticks(0))) / 4)).toBeLessThan(1e-5);
    const { start, barMs } = await playCall(sim, pad);
    const answerBar = start + 3 * barMs;
    await sim.run(answerBar + barMs - sim.clock.nowMs());
    const answer = noteOns(sent).filter((x) => x.atMs >= start + 2 * barMs);
    expect(answer.length).toBeGreaterThan(0);
    expect(Math.min(...answer.map((x) => x.atMs))).toBeGreaterThanOrEqual(answerBar);
    expect(offGrid(peerBeat(peer, answerBar) / 4)).toBeLessThan(1e-5);
  });

  it('a Link session that does not open leaves the box on its own clock, with the problem logged and on the bus', async () => {
    const failing = (): LinkOpener => (_config, o) => {
      o.onOff?.('Ableton Link is off: the optional package abletonlink is not installed');
      return Promise.resolve(undefined);
    };
    sim = await startSimBox({ config: linkConfig(true), openLink: failing });
    await sim.run(2500);
    const snap = sim.box.snapshot();
    expect(snap.clock.source).toBe('internal');
    expect(snap.clock.link).toBeUndefined();
    expect(snap.problems.map((p) => p.message)).toContain(
      'Ableton Link is off: the optional package abletonlink is not installed',
    );
    expect(sim.events.some((e) => e.kind === 'beat')).toBe(true);

    await sim.box.stop();
    const throwing = (): LinkOpener => () => Promise.reject(new Error('helper exploded'));
    sim = await startSimBox({ config: linkConfig(true), openLink: throwing });
    await sim.run(2500);
    expect(sim.box.snapshot().clock.source).toBe('internal');
    expect(sim.logs.some((l) => l['level'] === 50 && l['msg'] === 'Ableton Link is off: helper exploded')).toBe(true);
    expect(sim.events.some((e) => e.kind === 'beat')).toBe(true);
  });

  it('a session that dies while the box follows it: the box plays on at the last tempo, in phase, and says so', async () => {
    const { rig, make } = linkRig({ playing: true });
    sim = await startSimBox({ config: linkConfig(true), openLink: make });
    await sim.run(3000);
    const peer = rig.peer as SimulatedLinkSession;
    rig.box?.fail('Link helper exited (SIGSEGV)');
    await sim.run(5000);
    const snap = sim.box.snapshot();
    expect(snap.clock).toMatchObject({ source: 'internal', link: { enabled: false } });
    expect(snap.clock.tempo).toBeCloseTo(PEER_BPM, 1);
    expect(snap.problems.at(-1)).toMatchObject({ level: 'error', code: 'device' });
    expect(snap.problems.at(-1)?.message).toMatch(/^Ableton Link failed \(Link helper exited \(SIGSEGV\)\)/);
    const b = bars(sim);
    expect(offGrid(peerBeat(peer, b.at(0)) / 4)).toBeLessThan(1e-3);
  });

  it('with [link] off the opener is never called and nothing about Link shows', async () => {
    const { rig, make } = linkRig();
    sim = await startSimBox({ config: { perform: { tempo_bpm: 120 } }, openLink: make });
    await sim.run(500);
    expect(rig.opened).toEqual([]);
    expect(sim.box.snapshot().clock.source).toBe('internal');
    expect(sim.box.snapshot().clock.link).toBeUndefined();
  });
});
