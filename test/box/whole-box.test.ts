import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSimBox, type SimBox } from '../support/sim-box.js';
import { SIM_DRUM_PAD } from '../support/sim-devices.js';

const BAR_MS = 2000; // 120 BPM, 4/4
const NOTE_ON = 0x99;

/** Note-ons the box sent to a port: [time, pitch, velocity]. */
function noteOnsOf(sent: readonly { atMs: number; bytes: Uint8Array }[]): [number, number, number][] {
  return sent
    .filter((s) => s.bytes[0] === NOTE_ON && (s.bytes[2] ?? 0) > 0)
    .map((s) => [s.atMs, s.bytes[1] ?? 0, s.bytes[2] ?? 0]);
}

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

/** Plugs the pad and records what the box sends it, with the virtual time of each send. */
async function plugPad(s: SimBox): Promise<{ client: number; sent: { atMs: number; bytes: Uint8Array }[] }> {
  const client = s.plug(SIM_DRUM_PAD);
  const sent: { atMs: number; bytes: Uint8Array }[] = [];
  s.backend.onSend(`${client}:0:output`, (bytes) => sent.push({ atMs: s.clock.nowMs(), bytes }));
  await s.run(300);
  return { client, sent };
}

/** The time of the first bar line after now, on the box's own timeline. */
function nextBarLine(s: SimBox): number {
  const view = s.box.clock.timeline;
  const barTicks = view.stepsPerBar * 6;
  return view.timeOfTick(((Math.floor(view.tickAt(s.clock.nowMs() as never) / barTicks) + 1) * barTicks) as never);
}

/** Plays a two-bar backbeat on the pad from the next bar line. */
async function playCall(s: SimBox, client: number): Promise<number> {
  const barStart = nextBarLine(s);
  await s.run(barStart - s.clock.nowMs());
  for (let step = 0; step < 32; step++) {
    const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
    for (const n of notes) s.backend.feed(`${client}:0:input`, [NOTE_ON, n, 100]);
    await s.run(BAR_MS / 16 / 2);
    for (const n of notes) s.backend.feed(`${client}:0:input`, [0x89, n, 0]);
    await s.run(BAR_MS / 16 / 2);
  }
  return barStart;
}

describe('the whole box on virtual time', () => {
  it('plays a labelled demo with no pad, and the pad takes over when plugged', async () => {
    sim = await startSimBox({ config: { perform: { tempo_bpm: 120 } } });
    expect(sim.box.snapshot().demo).toBe(true);
    await sim.run(6 * BAR_MS);
    expect(sim.events.some((e) => e.kind === 'exchange')).toBe(true);
    await plugPad(sim);
    expect(sim.box.snapshot().demo).toBe(false);
    expect(sim.box.snapshot().devices.map((d) => d.roles)).toEqual([['human', 'response']]);
  });

  it('answers a call on the bar line after it, never early, and records it', async () => {
    sim = await startSimBox({ config: { perform: { tempo_bpm: 120 } } });
    const { client, sent } = await plugPad(sim);
    const callStart = await playCall(sim, client);
    // Ended by a whole silent bar (bar 3), so the answer takes the bar line after it.
    const answerBar = callStart + 3 * BAR_MS;
    await sim.run(answerBar + 2 * BAR_MS + 500 - sim.clock.nowMs());
    const answer = noteOnsOf(sent).filter(([t]) => t >= callStart + 2 * BAR_MS);
    expect(answer.length).toBeGreaterThan(0);
    expect(Math.min(...answer.map(([t]) => t))).toBeGreaterThanOrEqual(answerBar);
    expect(Math.max(...answer.map(([t]) => t))).toBeLessThan(answerBar + 2 * BAR_MS);
    const exchange = sim.events.find((e) => e.kind === 'exchange');
    expect(exchange?.kind === 'exchange' && exchange.exchange.call.bars).toBe(2);
    const states = sim.events.filter((e) => e.kind === 'engine').map((e) => (e.kind === 'engine' ? e.state : ''));
    expect(states.slice(0, 3)).toEqual(['listening', 'responding', 'idle']);
    // The pad's state light follows the engine on CC 113.
    expect(sent.some((s) => s.bytes[0] === 0xb0 && s.bytes[1] === 113 && s.bytes[2] === 2)).toBe(true);
    await sim.box.stop();
    expect(readdirSync(join(sim.dataDir, 'recordings')).filter((f) => f.endsWith('.mid'))).toHaveLength(1);
  });

  it("a CC turns voice A's temperature through the registry, and the bus says so", async () => {
    sim = await startSimBox();
    const { client } = await plugPad(sim);
    sim.backend.feed(`${client}:0:input`, [0xb9, 109, 127]);
    await sim.run(10);
    const change = sim.events.find((e) => e.kind === 'parameter');
    expect(change).toMatchObject({
      kind: 'parameter',
      source: 'cc',
      change: { param: 'temperature', voice: 'A', value: 2 },
    });
    expect(sim.box.snapshot().parameters.voices[0]?.values['temperature']).toBe(2);
  });

  it('a CC from a second device that is not the human steers the box too', async () => {
    sim = await startSimBox();
    await plugPad(sim);
    const knobs = sim.plug({
      clientName: 'Knob Box',
      inputs: ['Knob Box MIDI 1'],
      usb: { vendorId: 0x1234, productId: 0x5678, serial: 'K', busPath: '1-2' },
    });
    await sim.run(300);
    sim.backend.feed(`${knobs}:0:input`, [0xb0, 110, 100]);
    await sim.run(10);
    expect(sim.box.snapshot().parameters.global['tempo_bpm']).toBe(140);
    expect(sim.box.snapshot().clock.tempo).toBe(140);
  });

  it('sends note-offs for a note the pad left sounding when it is unplugged, and gives the replugged pad its roles back', async () => {
    sim = await startSimBox({ config: { devices: { roles: [{ match: 'Sound Module', roles: ['thru'] }] } } });
    const module = sim.plug({
      clientName: 'Sound Module',
      outputs: ['Sound Module In'],
      usb: { vendorId: 0x4444, productId: 1, serial: 'M', busPath: '1-3' },
    });
    const moduleSent: Uint8Array[] = [];
    sim.backend.onSend(`${module}:0:output`, (b) => moduleSent.push(b));
    const { client } = await plugPad(sim);
    sim.backend.feed(`${client}:0:input`, [NOTE_ON, 36, 100]);
    await sim.run(10);
    sim.unplug(client);
    await sim.run(500);
    expect(moduleSent.map((b) => [...b])).toEqual([
      [NOTE_ON, 36, 100],
      [0x89, 36, 0],
    ]);
    expect(sim.box.snapshot().devices.map((d) => d.name)).toEqual(['Sound Module']);
    sim.plug(SIM_DRUM_PAD);
    await sim.run(500);
    expect(sim.box.snapshot().devices.find((d) => d.name === 'Drum Pad')?.roles).toEqual(['human', 'response']);
  });

  it('unplugging the pad mid-answer leaves no note hanging on the module that plays the answer', async () => {
    sim = await startSimBox({ config: { devices: { roles: [{ match: 'Sound Module', roles: ['response'] }] } } });
    const module = sim.plug({
      clientName: 'Sound Module',
      outputs: ['Sound Module In'],
      usb: { vendorId: 0x4444, productId: 1, serial: 'M', busPath: '1-3' },
    });
    const moduleSent: { atMs: number; bytes: Uint8Array }[] = [];
    sim.backend.onSend(`${module}:0:output`, (bytes, atMs) => moduleSent.push({ atMs, bytes }));
    const { client } = await plugPad(sim);
    const callStart = await playCall(sim, client);
    const answerBar = callStart + 3 * BAR_MS;
    await sim.run(answerBar + BAR_MS / 2 - sim.clock.nowMs());
    sim.unplug(client);
    await sim.run(3 * BAR_MS);
    const ons = noteOnsOf(moduleSent).filter(([t]) => t >= answerBar);
    expect(ons.length).toBeGreaterThan(0);
    // The answer played on after the unplug, and every note it started was ended.
    expect(ons.some(([t]) => t > answerBar + BAR_MS)).toBe(true);
    const sounding = new Map<number, number>();
    for (const { bytes } of moduleSent) {
      const [status = 0, note = 0, velocity = 0] = bytes;
      if (status === NOTE_ON && velocity > 0) sounding.set(note, (sounding.get(note) ?? 0) + 1);
      else if (status === 0x89 || (status === NOTE_ON && velocity === 0))
        sounding.set(note, Math.max(0, (sounding.get(note) ?? 0) - 1));
    }
    expect([...sounding.values()].every((n) => n === 0)).toBe(true);
  });

  it("a voice's sampling and shaping settings reach its model: the same call and seed answer differently with the call profile on, and with its ramp", async () => {
    const answerTo = async (profile: number, floor = 1): Promise<string> => {
      const s = await startSimBox({
        seed: 9,
        config: { perform: { tempo_bpm: 120, voices: [{ name: 'A', profile, profile_floor: floor, density: 0 }] } },
      });
      const { client } = await plugPad(s);
      await playCall(s, client);
      await s.run(4 * BAR_MS);
      const x = s.events.find((e) => e.kind === 'exchange');
      await s.box.stop();
      return x?.kind === 'exchange' ? [...(x.exchange.turns[0]?.events ?? [])].join(',') : 'no answer';
    };
    const plain = await answerTo(0);
    expect(plain).not.toBe('no answer');
    expect(await answerTo(0)).toBe(plain);
    const flat = await answerTo(3);
    expect(flat).not.toBe(plain);
    expect(await answerTo(3, 0)).not.toBe(flat);
  });

  it('Push 2 with its surface on: its buttons are not Magenta CCs, its encoder touches are not hits, and it draws the answers instead of getting them as notes', async () => {
    sim = await startSimBox({ config: { push2: { send_clock: false } } });
    const push = sim.plug({
      clientName: 'Ableton Push 2',
      inputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
      outputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
      usb: { vendorId: 0x2982, productId: 0x1967, serial: 'P2', busPath: '1-4' },
    });
    await sim.run(500);
    expect(sim.box.snapshot().devices.map((d) => d.roles)).toEqual([['human']]);
    const user = `${push}:1:input`;
    sim.backend.feed(user, [0xb0, 103, 127]); // upper-row button 2: CC 103, Magenta's panic
    sim.backend.feed(user, [0x90, 0, 127]); // touching encoder 1: note 0
    await sim.run(3 * BAR_MS);
    expect(sim.events.filter((e) => e.kind === 'command' || e.kind === 'hit')).toEqual([]);
    sim.backend.feed(user, [0x90, 36, 100]); // a pad
    await sim.run(10);
    expect(sim.events.some((e) => e.kind === 'hit')).toBe(true);
  });

  it('reports a bad command on the bus and keeps playing', async () => {
    sim = await startSimBox();
    sim.box.dispatch({ kind: 'set', param: 'temperature', value: 9, source: 'test' });
    sim.box.dispatch({ kind: 'set', param: 'no_such_knob', value: 1, source: 'test' });
    const problems = sim.box.snapshot().problems.map((p) => p.message);
    expect(problems).toEqual(['test: temperature: 9 is outside 0.1..2', "no parameter named 'no_such_knob'"]);
    await sim.run(4 * BAR_MS);
    expect(sim.events.some((e) => e.kind === 'beat')).toBe(true);
  });
});
