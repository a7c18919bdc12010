import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { simulatedSpawner } from './simulated-synth.js';
import { resolveAudioDevice } from './sound-card.js';
import { SYNTH_SCHEMA } from './synth-config.js';
import { SynthSurface } from './synth-surface.js';
import { statusLine } from '../box/status-line.js';

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

const ONBOARD = { line: ' 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones', folders: ['card0/pcm0p'] };
const SCARLETT = {
  line: ' 1 [USB            ]: USB-Audio - Scarlett 2i2 USB',
  folders: ['card1/pcm0p', 'card1/pcm0c'],
};
const GADGET = { line: ' 0 [AntiphonPad    ]: MIDI Gadget - f_midi', folders: ['card0/midiC0D0'] };

/** A stand-in for /proc/asound whose cards can be replaced while the box runs (plug, unplug). */
function soundCards(...cards: { line: string; folders: string[] }[]) {
  const root = mkdtempSync(join(tmpdir(), 'asound-'));
  const set = (...now: { line: string; folders: string[] }[]): void => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
    writeFileSync(join(root, 'cards'), now.map((c) => `${c.line}\n`).join(''));
    for (const f of now.flatMap((c) => c.folders)) mkdirSync(join(root, f), { recursive: true });
  };
  set(...cards);
  return { root, set };
}

async function boxWithSynth(o: { missing?: () => boolean; asound?: string; audioDevice?: string } = {}) {
  const spawner = simulatedSpawner(o);
  const asound = o.asound ?? soundCards(ONBOARD).root;
  const config = SYNTH_SCHEMA.parse(o.audioDevice === undefined ? {} : { audio_device: o.audioDevice });
  const synth = new SynthSurface(config, spawner.spawn, (device) => resolveAudioDevice(device, asound));
  sim = await startSimBox({ surfaces: [synth] });
  return { sim, synth, started: spawner.started };
}

const ON_BOARD_LABEL = 'hw:0,0 (auto: bcm2835_headpho "bcm2835 Headphones")';

describe('the built-in synth surface (simulated FluidSynth, virtual time)', () => {
  it('starts FluidSynth on the hardware device at low latency and sets every channel to a drum kit', async () => {
    const { started, sim } = await boxWithSynth();
    expect(started).toHaveLength(1);
    const args = started[0]?.args.join(' ');
    expect(args).toContain('-a alsa -m alsa_seq -p FluidSynth -o audio.alsa.device=hw:0,0 -r 48000 -z 128 -c 2');
    expect(sim.logs.find((r) => r.msg === 'synth started')?.device).toBe(ON_BOARD_LABEL);
    expect(args).toMatch(/TimGM6mb\.sf2$/);
    const lines = started[0]?.lines ?? [];
    for (let ch = 0; ch < 16; ch++) expect(lines).toContain(`select ${ch} 1 128 0`);
    expect(lines).toContain('cc 9 7 100');
  });

  it('follows the registry: only what changed is sent', async () => {
    const { sim, started } = await boxWithSynth();
    const child = started[0];
    const before = child?.lines.length ?? 0;
    sim.box.dispatch({ kind: 'set', param: 'temperature', voice: 'A', value: 0.5, source: 'test' });
    expect(child?.lines.length).toBe(before);
    sim.box.dispatch({ kind: 'set', param: 'kit', voice: 'A', value: 'tr-808', source: 'test' });
    sim.box.dispatch({ kind: 'set', param: 'reverb', value: 0, source: 'test' });
    sim.box.dispatch({ kind: 'set', param: 'synth_volume', value: 64, source: 'test' });
    const sent = child?.lines.slice(before) ?? [];
    expect(sent).toContain('select 9 1 128 25');
    expect(sent).toContain('reverb off');
    expect(sent.filter((l) => / 91 0$/.test(l))).toHaveLength(16);
    expect(sent.filter((l) => / 7 64$/.test(l))).toHaveLength(16);
    expect(sent.filter((l) => l.startsWith('select'))).toEqual(['select 9 1 128 25']);
  });

  it('restarts a crashed synth with its settings, reports it, and the box plays on', async () => {
    const { sim, started, synth } = await boxWithSynth();
    sim.box.dispatch({ kind: 'set', param: 'kit', voice: 'A', value: 'jazz', source: 'test' });
    started[0]?.end({ code: null, signal: 'SIGSEGV' });
    expect(sim.box.snapshot().problems.at(-1)?.message).toBe(
      `built-in synth on ${ON_BOARD_LABEL}: fluidsynth exited (SIGSEGV); retrying in 1 s`,
    );
    await sim.run(400);
    expect(started).toHaveLength(1);
    await sim.run(200);
    expect(started).toHaveLength(2);
    expect(started[1]?.lines).toContain('select 9 1 128 32');
    expect(synth.supervisor?.running).toBe(started[1]);
    const beatsBefore = sim.events.filter((e) => e.kind === 'beat').length;
    await sim.run(2000);
    expect(sim.events.filter((e) => e.kind === 'beat').length).toBeGreaterThan(beatsBefore);
  });

  it('says FluidSynth is missing and keeps trying, ever more slowly, until it appears', async () => {
    let missing = true;
    const { sim, started } = await boxWithSynth({ missing: () => missing });
    await sim.run(10);
    expect(sim.box.snapshot().problems.at(-1)?.message).toBe(
      `built-in synth on ${ON_BOARD_LABEL}: fluidsynth is not installed (apt-get install fluidsynth); retrying in 1 s`,
    );
    await sim.run(500 + 1000 + 2000 + 100);
    expect(started).toHaveLength(4);
    missing = false;
    await sim.run(4000);
    expect(started).toHaveLength(5);
    expect(started[4]?.lines.length).toBeGreaterThan(0);
  });

  it('waits for a card that can play without starting FluidSynth: says so once, as a warning, and plays within 2 s of one appearing', async () => {
    const cards = soundCards(GADGET);
    const { sim, started } = await boxWithSynth({ asound: cards.root });
    // Ten minutes with only the pad's card: a box used as a MIDI brain.
    await sim.run(600_000);
    expect(started).toHaveLength(0);
    const waits =
      'built-in synth waits for a sound card: no sound card with a playback device (audio_device = "auto"; card 0 "f_midi" cannot play)';
    const synthProblems = sim.box.snapshot().problems.filter((p) => p.message.startsWith('built-in synth'));
    expect(synthProblems.map((p) => [p.level, p.message])).toEqual([['warning', waits]]);
    expect(
      sim.logs.filter((r) => String(r.msg).startsWith('synth') || String(r.msg).startsWith('built-in synth')),
    ).toEqual([expect.objectContaining({ level: 40, msg: waits })]);
    expect(statusLine(sim.box.snapshot())).not.toMatch(/error/);

    cards.set(GADGET, SCARLETT);
    await sim.run(2000);
    expect(started).toHaveLength(1);
    expect(started[0]?.args).toContain('audio.alsa.device=hw:1,0');
  });

  it('chooses the card anew at each restart: a USB interface plugged in since is taken, and left when unplugged', async () => {
    const cards = soundCards(ONBOARD);
    const { sim, started } = await boxWithSynth({ asound: cards.root });
    expect(started[0]?.args).toContain('audio.alsa.device=hw:0,0');
    cards.set(ONBOARD, SCARLETT);
    started[0]?.end({ code: 1, signal: null });
    await sim.run(600);
    expect(started).toHaveLength(2);
    expect(started[1]?.args).toContain('audio.alsa.device=hw:1,0');
    expect(sim.logs.filter((r) => r.msg === 'synth started').map((r) => r.device)).toEqual([
      ON_BOARD_LABEL,
      'hw:1,0 (auto: USB-Audio "Scarlett 2i2 USB")',
    ]);
    cards.set(ONBOARD);
    started[1]?.end({ code: 1, signal: null });
    expect(sim.box.snapshot().problems.at(-1)?.message).toBe(
      'built-in synth on hw:1,0 (auto: USB-Audio "Scarlett 2i2 USB"): fluidsynth exited (code 1); retrying in 1 s',
    );
    await sim.run(1100);
    expect(started).toHaveLength(3);
    expect(started[2]?.args).toContain('audio.alsa.device=hw:0,0');
  });

  it('plays on an explicit device as written, and waits for its card', async () => {
    const cards = soundCards(GADGET);
    const { sim, started } = await boxWithSynth({ asound: cards.root, audioDevice: 'hw:1' });
    await sim.run(60_000);
    expect(started).toHaveLength(0);
    expect(sim.box.snapshot().problems.filter((p) => p.message.startsWith('built-in synth'))).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: 'built-in synth waits for a sound card: no sound card 1 for hw:1',
      }),
    ]);
    cards.set(ONBOARD, SCARLETT);
    await sim.run(2000);
    expect(started).toHaveLength(1);
    expect(started[0]?.args).toContain('audio.alsa.device=hw:1');
  });

  it('stops the synth with the box and does not restart it', async () => {
    const { sim, started } = await boxWithSynth();
    await sim.box.stop();
    expect(started[0]?.exited).toBe(true);
    await sim.run(5000);
    expect(started).toHaveLength(1);
  });
});
