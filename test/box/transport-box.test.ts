import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../../src/perform/engine-types.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';
import { SIM_DRUM_PAD } from '../support/sim-devices.js';

const CLOCK_SINK = {
  clientName: 'Clock Sink',
  outputs: ['Clock Sink In'],
  usb: { vendorId: 0x5555, productId: 2, serial: 'C', busPath: '1-4' },
} as const;
const BAR_MS = 2000; // 120 BPM, 4/4
const STEP_MS = BAR_MS / 16;
const NOTE_ON = 0x99;
const START = 0xfa;
const STOP = 0xfc;

interface Sent {
  readonly atMs: number;
  readonly bytes: Uint8Array;
}

const noteOns = (sent: readonly Sent[], from = 0): Sent[] =>
  sent.filter((s) => s.bytes[0] === NOTE_ON && (s.bytes[2] ?? 0) > 0 && s.atMs >= from);

/** Notes left sounding after everything sent so far (a note-on without its note-off). */
function hanging(sent: readonly Sent[]): number {
  const sounding = new Map<number, number>();
  for (const { bytes } of sent) {
    const [status = 0, note = 0, velocity = 0] = bytes;
    if (status === NOTE_ON && velocity > 0) sounding.set(note, (sounding.get(note) ?? 0) + 1);
    else if (status === 0x89 || (status === NOTE_ON && velocity === 0)) sounding.set(note, 0);
  }
  return [...sounding.values()].reduce((a, b) => a + b, 0);
}

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

async function boxWithPad(config: Record<string, unknown> = {}) {
  const s = await startSimBox({
    config: {
      perform: { tempo_bpm: 120 },
      devices: { roles: [{ match: 'Clock Sink', roles: ['clock-out'] }] },
      ...config,
    },
  });
  const client = s.plug(SIM_DRUM_PAD);
  const sink = s.plug(CLOCK_SINK);
  const sent: Sent[] = [];
  const clock: Sent[] = [];
  s.backend.onSend(`${client}:0:output`, (bytes) => sent.push({ atMs: s.clock.nowMs(), bytes }));
  s.backend.onSend(`${sink}:0:output`, (bytes, atMs) => clock.push({ atMs, bytes }));
  await s.run(300);
  return { s, client, sent, clock };
}

/** The time of the first bar line after now, on the box's own timeline. */
function nextBarLine(s: SimBox): number {
  const view = s.box.clock.timeline;
  const barTicks = view.stepsPerBar * 6;
  return view.timeOfTick(((Math.floor(view.tickAt(s.clock.nowMs() as never) / barTicks) + 1) * barTicks) as never);
}

/** Plays a one-bar beat on the pad from the next bar line; returns that bar line's time. */
async function playCall(s: SimBox, client: number, pitches: readonly number[] = [36, 38]): Promise<number> {
  const barStart = nextBarLine(s);
  await s.run(barStart - s.clock.nowMs());
  for (let step = 0; step < 16; step++) {
    const notes = [42, ...(step % 8 === 0 ? [pitches[0] ?? 36] : []), ...(step % 8 === 4 ? [pitches[1] ?? 38] : [])];
    for (const n of notes) s.backend.feed(`${client}:0:input`, [NOTE_ON, n, 100]);
    await s.run(STEP_MS / 2);
    for (const n of notes) s.backend.feed(`${client}:0:input`, [0x89, n, 0]);
    await s.run(STEP_MS / 2);
  }
  return barStart;
}

/** A box following the pad's MIDI clock: Start, then the ticks it locks on. */
async function followingPadClock() {
  const { s, client } = await boxWithPad({
    devices: { roles: [{ match: 'Drum Pad', roles: ['human', 'response', 'clock-in'] }] },
  });
  sim = s;
  const ticks = (n: number): Promise<void> => clockTicks(s, client, n);
  s.backend.feed(`${client}:0:input`, [START]);
  await ticks(48);
  return { s, client, ticks };
}

/** `n` MIDI clock ticks from the pad at 120 BPM, in time. */
async function clockTicks(s: SimBox, client: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    s.backend.feed(`${client}:0:input`, [0xf8]);
    await s.run(BAR_MS / 96);
  }
}

const exchanges = (s: SimBox): Exchange[] => s.events.flatMap((e) => (e.kind === 'exchange' ? [e.exchange] : []));

describe('transport, record arm and undo on the whole box (virtual time)', () => {
  it('stop ends the answer at once with a note-off for every sounding note; nothing answers while stopped', async () => {
    const { s, client, sent, clock } = await boxWithPad();
    sim = s;
    const callStart = await playCall(s, client);
    const answerBar = callStart + 2 * BAR_MS;
    await s.run(answerBar + STEP_MS * 2.5 - s.clock.nowMs());
    expect(noteOns(sent, answerBar).length).toBeGreaterThan(0);
    const stopAt = s.clock.nowMs();
    s.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    await s.run(1);
    expect(hanging(sent)).toBe(0);
    await s.run(30);
    expect(s.box.snapshot().transport.playing).toBe(false);
    // MIDI Stop to the clock output, at the next clock tick.
    const stop = clock.find((c) => c.bytes[0] === STOP);
    expect(stop?.atMs).toBeGreaterThanOrEqual(stopAt);
    expect((stop?.atMs ?? Infinity) - stopAt).toBeLessThanOrEqual(BAR_MS / 96 + 1);
    // A whole call while stopped: no answer, no listening, no beats.
    const eventsBefore = s.events.length;
    await playCall(s, client);
    await s.run(4 * BAR_MS);
    expect(noteOns(sent, stopAt + 1).filter((n) => n.atMs > stopAt)).toEqual([]);
    const later = s.events.slice(eventsBefore).map((e) => e.kind);
    expect(later).not.toContain('engine');
    expect(later).not.toContain('beat');
    expect(later).not.toContain('hit');
    // Nothing keeps placing its next tick or beat on the stopped timeline ("position 0 is
    // now"): on a real clock such a loop is due at once, forever, and starves the event loop.
    expect([s.scheduler.cancel('perform-tick'), s.scheduler.cancel('box-beat')]).toEqual([0, 0]);
  });

  it('play sends MIDI Start and the song starts again: beats and answers fall on the new bar lines', async () => {
    const { s, client, sent, clock } = await boxWithPad();
    sim = s;
    s.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    // Off any bar line of the old song, so a new bar 1 is told apart from the old grid.
    await s.run(BAR_MS * 1.3 + 37);
    s.box.dispatch({ kind: 'transport', play: true, source: 'test' });
    await s.run(50);
    const start = clock.find((c) => c.bytes[0] === START);
    expect(start).toBeDefined();
    const songZero = start?.atMs ?? NaN;
    // The first clock after Start is the downbeat: song tick 0 is the Start's time.
    expect(s.box.clock.timeline.timeOfTick(0 as never)).toBeCloseTo(songZero, 6);
    await s.run(BAR_MS);
    const beats = s.events.flatMap((e) => (e.kind === 'beat' && e.atMs > songZero ? [e.atMs - songZero] : []));
    expect(beats[0]).toBeCloseTo(BAR_MS / 4, 6);
    const callStart = await playCall(s, client);
    expect((callStart - songZero) % BAR_MS).toBeCloseTo(0, 6);
    await s.run(callStart + 4 * BAR_MS - s.clock.nowMs());
    const answer = noteOns(sent, callStart + BAR_MS);
    expect(answer.length).toBeGreaterThan(0);
    const firstBar = Math.round(((answer[0]?.atMs ?? 0) - songZero) / BAR_MS);
    expect(answer[0]?.atMs ?? 0).toBeGreaterThanOrEqual(songZero + firstBar * BAR_MS - 0.5);
    expect((answer[0]?.atMs ?? 0) - (songZero + firstBar * BAR_MS)).toBeLessThan(STEP_MS);
    expect(s.box.snapshot().transport.playing).toBe(true);
  });

  it('following an external clock, stop stops only the box: no Stop goes to the clock outputs', async () => {
    const { s, client, clock } = await boxWithPad({
      devices: {
        roles: [
          { match: 'Clock Sink', roles: ['clock-out'] },
          { match: 'Drum Pad', roles: ['human', 'response', 'clock-in'] },
        ],
      },
    });
    sim = s;
    // The pad sends clock: the box follows it.
    s.backend.feed(`${client}:0:input`, [START]);
    for (let i = 0; i < 48; i++) {
      s.backend.feed(`${client}:0:input`, [0xf8]);
      await s.run(BAR_MS / 96);
    }
    expect(s.box.snapshot().clock.source).toBe('external');
    const before = clock.length;
    s.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    await s.run(50);
    expect(s.box.snapshot().transport.playing).toBe(false);
    expect(clock.slice(before).some((c) => c.bytes[0] === STOP)).toBe(false);
  });

  it("following an external clock, its MIDI Stop and Start move the box's transport with it", async () => {
    const { s, client, ticks } = await followingPadClock();
    expect(s.box.snapshot().clock.source).toBe('external');
    // A stopped clock source goes on sending F8 (as most do) until it starts again.
    s.backend.feed(`${client}:0:input`, [STOP]);
    await ticks(96);
    expect(s.box.snapshot().clock.source).toBe('external');
    expect(s.box.snapshot().transport.playing).toBe(false);
    expect(s.events.filter((e) => e.kind === 'transport').at(-1)).toMatchObject({ transport: { playing: false } });
    // Stopped with the other box: nothing is left placing ticks or beats on the stopped song.
    expect([s.scheduler.cancel('perform-tick'), s.scheduler.cancel('box-beat')]).toEqual([0, 0]);
    s.backend.feed(`${client}:0:input`, [START]);
    await ticks(48);
    expect(s.box.snapshot().transport.playing).toBe(true);
    expect(s.events.slice(-20).some((e) => e.kind === 'beat')).toBe(true);
  });

  it('a clock that went quiet after its Stop and comes back with Start starts the box again', async () => {
    const { s, client, ticks } = await followingPadClock();
    s.backend.feed(`${client}:0:input`, [STOP]);
    // Silence, as many sources do when stopped: the box leads again, and stays stopped.
    await s.run(4 * BAR_MS);
    expect(s.box.snapshot().clock.source).toBe('internal');
    expect(s.box.snapshot().transport.playing).toBe(false);
    // The other box starts again: Start, then the ticks the follower locks on.
    s.backend.feed(`${client}:0:input`, [START]);
    await ticks(96);
    expect(s.box.snapshot().clock.source).toBe('external');
    expect(s.box.snapshot().transport.playing).toBe(true);
    expect(s.events.slice(-20).some((e) => e.kind === 'beat')).toBe(true);
  });

  it('record arm off: the exchange is played but no file is written; armed again, it is', async () => {
    const { s, client, sent } = await boxWithPad();
    sim = s;
    s.box.dispatch({ kind: 'recordArm', armed: 'toggle', source: 'test' });
    expect(s.box.snapshot().transport.recordArmed).toBe(false);
    const callStart = await playCall(s, client);
    await s.run(callStart + 5 * BAR_MS - s.clock.nowMs());
    expect(exchanges(s)).toHaveLength(1);
    expect(noteOns(sent, callStart + 2 * BAR_MS).length).toBeGreaterThan(0);
    const dir = join(s.dataDir, 'recordings');
    const files = (): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.mid')) : []);
    expect(files()).toEqual([]);
    expect(s.events.some((e) => e.kind === 'problem')).toBe(false);
    s.box.dispatch({ kind: 'recordArm', armed: true, source: 'test' });
    const second = await playCall(s, client);
    await s.run(second + 5 * BAR_MS - s.clock.nowMs());
    await s.box.stop();
    expect(files()).toHaveLength(1);
  });

  it("undo plays the previous response's notes again from the next bar line", async () => {
    const { s, client, sent } = await boxWithPad();
    sim = s;
    const first = await playCall(s, client);
    await s.run(first + 5 * BAR_MS - s.clock.nowMs());
    const second = await playCall(s, client, [45, 49]);
    await s.run(second + 5 * BAR_MS - s.clock.nowMs());
    const [x1] = exchanges(s);
    expect(exchanges(s)).toHaveLength(2);
    expect(s.box.snapshot().transport.undoDepth).toBe(1);
    // The first answer as heard: pitches and offsets from its bar line.
    const firstStart = s.box.clock.timeline.timeOfTick(((x1?.turns[0]?.startBar ?? 0) * 96) as never);
    const firstBars = x1?.turns[0]?.bars ?? 0;
    const heard = (from: number): [number, number][] =>
      noteOns(sent, from)
        .filter((n) => n.atMs < from + firstBars * BAR_MS)
        .map((n) => [Math.round(n.atMs - from), n.bytes[1] ?? 0]);
    const original = heard(firstStart);
    expect(original.length).toBeGreaterThan(0);
    await s.run(BAR_MS / 3);
    s.box.dispatch({ kind: 'undo', source: 'test' });
    const bar = nextBarLine(s);
    await s.run(bar + (firstBars + 1) * BAR_MS - s.clock.nowMs());
    expect(heard(bar)).toEqual(original);
    expect(s.box.snapshot().transport.undoDepth).toBe(0);
    expect(hanging(sent)).toBe(0);
  });
});
