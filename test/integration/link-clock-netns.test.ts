import { afterEach, describe, expect, it } from 'vitest';
import { BoxClock } from '../../src/box/box-clock.js';
import { ClockService } from '../../src/clock/clock-service.js';
import { Scheduler } from '../../src/clock/scheduler.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { bpm, ms, ticks } from '../../src/clock/units.js';
import { SpinWakeup } from '../../src/clock/wakeup.js';
import { SimulatedSerialBus } from '../../src/devices/serial/simulated-serial-port.js';
import type { AbletonLinkSession } from '../../src/link/ableton-link-session.js';
import { LINK_SCHEMA } from '../../src/link/link-config.js';
import { openLinkSession } from '../../src/link/open-link.js';
import type { LinkSample } from '../../src/link/link-session.js';
import { PlacedNotes } from '../../src/perform/placed-notes.js';
import { masterClockTimeline } from '../../src/perform/timeline-view.js';
import { createLinkNetns, type LinkNetns } from '../support/link-netns.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const BAR = 96;

/** The peer's beat at `atMs`, from its newest reading. */
function peerBeat(peer: AbletonLinkSession, atMs: number): number {
  const s: LinkSample | undefined = peer.latest();
  if (!s) throw new Error('peer has no sample');
  return s.beat + ((atMs - s.atMs) * s.tempo) / 60_000;
}
/** How far (ms) `atMs` is from the peer's nearest bar line. */
function barError(peer: AbletonLinkSession, atMs: number): number {
  const bars = peerBeat(peer, atMs) / 4;
  return ((bars - Math.round(bars)) * 4 * 60_000) / (peer.latest()?.tempo ?? 120);
}

async function eventually(check: () => boolean, what: string, withinMs: number): Promise<number> {
  const from = performance.now();
  while (!check()) {
    if (performance.now() - from > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
    await sleep(2);
  }
  return performance.now() - from;
}

describe('the box on a real Link session (abletonlink, in a network namespace)', () => {
  let netns: LinkNetns | undefined;
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    scheduler?.dispose();
    await netns?.dispose();
    netns = undefined;
  });

  /** A peer at 97 BPM, playing, then the box's ClockService joining with its own session. */
  async function join() {
    netns = createLinkNetns();
    const peer = await netns.start({ tempo: 97 });
    peer.setStartStopSync(true);
    peer.enable();
    await sleep(600);
    const session = await netns.start({ tempo: 120 });
    scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
    // DIN out as the scheduler dispatches it: each status byte with the time it was due.
    const dinTimes: { at: number; byte: number }[] = [];
    let lastByte = 0;
    const din = { id: 'din', send: (bytes: Uint8Array) => ((lastByte = bytes[0] ?? 0), true) };
    scheduler.onDispatch((report) => dinTimes.push({ at: report.scheduledMs, byte: lastByte }));
    const service = new ClockService(scheduler, {
      tempo: bpm(120),
      outputs: () => [din],
      link: { session, startStopSync: true },
    });
    const view = masterClockTimeline(service, () => hrtimeClock.nowMs());
    const t0 = performance.now();
    service.begin();
    return { peer, session, service, view, dinTimes, t0 };
  }

  it('finds a peer at another tempo within 2 s and plays on its tempo and bar lines; a tempo change re-times a queued note within a beat', async () => {
    const { peer, service, view, dinTimes, t0 } = await join();
    await eventually(
      () => Math.abs(service.transport.tempo - 97) < 0.001 && service.link?.clock.peers === 1,
      'box at the peer tempo',
      2000 - (performance.now() - t0),
    );
    peer.setPlaying(true);
    await eventually(() => service.transport.running, 'box playing with the peer', 500);
    // The song starts on the peer's next bar line (up to a bar away).
    const downbeat = service.timeOfPosition(ticks(0)) ?? NaN;
    await sleep(downbeat - hrtimeClock.nowMs() + 50);
    expect(service.source).toBe('link');
    for (let bar = 1; bar <= 4; bar++)
      expect(Math.abs(barError(peer, view.timeOfTick(ticks(bar * BAR))))).toBeLessThan(0.2);
    // MIDI clock out: Start on a bar line, every F8 on a Link tick.
    const start = dinTimes.find((d) => d.byte === 0xfa);
    expect(start).toBeDefined();
    expect(Math.abs(barError(peer, start?.at ?? NaN))).toBeLessThan(0.2);
    const now = hrtimeClock.nowMs();
    const placed = new PlacedNotes();
    const answerTick = ticks(Math.ceil(view.tickAt(ms(now)) / BAR + 2) * BAR);
    placed.add(1, answerTick, 'answer', view.timeOfTick(answerTick));
    const changedAt = hrtimeClock.nowMs();
    peer.setTempo(bpm(131));
    const took = await eventually(
      () => Math.abs(service.transport.tempo - 131) < 0.001,
      'peer tempo change reaches the box',
      60_000 / 97,
    );
    expect(took).toBeLessThan(60_000 / 97);
    const moves = placed.retime(hrtimeClock.nowMs(), (t) => view.timeOfTick(t));
    expect(moves).toHaveLength(1);
    expect(Math.abs(barError(peer, moves[0]?.atMs ?? NaN))).toBeLessThan(0.2);
    expect(changedAt).toBeLessThan(moves[0]?.atMs ?? 0);
  });

  it('syncs start and stop both ways', async () => {
    const { peer, service } = await join();
    await eventually(() => service.link?.clock.peers === 1, 'peer found', 2000);
    expect(service.setPlaying(true)).toBe(true);
    await eventually(() => peer.latest()?.playing === true, 'peer started by the box', 500);
    await eventually(() => service.transport.running, 'box running', 500);
    peer.setPlaying(false);
    await eventually(() => !service.transport.running, 'box stopped by the peer', 500);
    peer.setPlaying(true);
    await eventually(() => service.transport.running, 'box started by the peer', 500);
    expect(service.setPlaying(false)).toBe(true);
    await eventually(() => peer.latest()?.playing === false, 'peer stopped by the box', 500);
  });

  it('keeps the last tempo, in phase, when the peer leaves mid-answer', async () => {
    const { peer, service, view } = await join();
    await eventually(
      () => service.link?.clock.peers === 1 && Math.abs(service.transport.tempo - 97) < 0.001,
      'peer found',
      2000,
    );
    peer.setPlaying(true);
    await eventually(() => service.transport.running, 'playing', 500);
    await sleep(200);
    const bar = Math.ceil(view.tickAt(hrtimeClock.nowMs()) / BAR) + 1;
    const promised = [0, 1, 2, 3].map((k) => view.timeOfTick(ticks((bar + k) * BAR)));
    await peer.dispose();
    await sleep(1500);
    expect(service.source).toBe('link');
    expect(service.transport.running).toBe(true);
    expect(service.transport.tempo).toBeCloseTo(97, 3);
    promised.forEach((t, k) => expect(Math.abs(view.timeOfTick(ticks((bar + k) * BAR)) - t)).toBeLessThan(0.2));
  });
});

describe("the box's clock assembly with [link] enabled, on a real session (in a network namespace)", () => {
  let netns: LinkNetns | undefined;
  let clock: BoxClock | undefined;
  let boxScheduler: Scheduler | undefined;
  afterEach(async () => {
    await clock?.stop();
    boxScheduler?.dispose();
    await netns?.dispose();
    netns = undefined;
    clock = undefined;
  });

  it('opens Link through openLinkSession (kept to lo by the interface filter), follows the peer, shows it, and leaves at stop', async () => {
    const ns = createLinkNetns();
    netns = ns;
    const peer = await ns.start({ tempo: 97 });
    peer.setStartStopSync(true);
    peer.enable();
    await sleep(600);
    const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
    boxScheduler = scheduler;
    const lines: string[] = [];
    const log = { info: (_: object, m: string) => lines.push(m), warn: (_: object, m: string) => lines.push(m) };
    const problems: string[] = [];
    const box = new BoxClock({
      scheduler,
      clock: { source: 'auto', thru: true, lost_after_ms: 500 },
      din: { enabled: false, device: '/dev/null', roles: ['clock-out'] },
      tempoBpm: 120,
      devices: () => [],
      serial: new SimulatedSerialBus(hrtimeClock),
      log,
      toSchedulerMs: (t) => t,
      link: {
        config: LINK_SCHEMA.parse({ enabled: true, interfaces: ['lo'], start_stop_sync: true }),
        open: (config, o) => openLinkSession(config, { ...o, prefix: ['ip', 'netns', 'exec', ns.name] }),
        log: { ...log, error: (_: object, m: string) => lines.push(m) },
      },
      report: (_level, message) => problems.push(message),
    });
    clock = box;
    await box.start();
    expect(problems).toEqual([]);
    expect(box.service.source).toBe('link');
    await eventually(
      () => box.linkStatus()?.peers === 1 && Math.abs((box.linkStatus()?.tempo ?? 0) - 97) < 0.05,
      'peer found, its tempo on the bus',
      2000,
    );
    const jumps: string[] = [];
    box.onTimelineJump((why) => jumps.push(why));
    peer.setPlaying(true);
    await eventually(() => box.service.transport.running && box.linkStatus()?.playing === true, 'playing', 500);
    expect(jumps).toEqual(['start']);
    expect(box.setTempo(111)).toBe(true);
    await eventually(() => Math.abs((peer.latest()?.tempo ?? 0) - 111) < 0.001, 'the knob reached the peer', 500);
    const session = box.service.link?.session as AbletonLinkSession;
    clock = undefined;
    await box.stop();
    expect(session.exitStatus?.signal).toBe('SIGKILL');
    expect(lines).toContain('link ready');
  });
});

describe('abletonlink helper lifecycle', () => {
  it('never aborts over 50 start/stop cycles', async () => {
    const netns = createLinkNetns();
    const stderr: string[] = [];
    const statuses: string[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const session = await netns.start({ onStderr: (line) => stderr.push(line) });
        session.enable();
        await sleep(i % 10 === 0 ? 50 : 5);
        await session.dispose();
        statuses.push(session.exitStatus?.signal ?? `code ${session.exitStatus?.code}`);
      }
    } finally {
      await netns.dispose();
    }
    expect(stderr.filter((l) => /terminate|abort|core dumped/i.test(l))).toEqual([]);
    expect(statuses).toEqual(Array.from({ length: 50 }, () => 'SIGKILL'));
  }, 120_000);
});
