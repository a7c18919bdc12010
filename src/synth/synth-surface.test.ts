import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { simulatedSpawner } from './simulated-synth.js';
import { SYNTH_SCHEMA } from './synth-config.js';
import { SynthSurface } from './synth-surface.js';

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

async function boxWithSynth(o: { missing?: () => boolean; noCard?: () => boolean } = {}) {
  const spawner = simulatedSpawner(o);
  const synth = new SynthSurface(SYNTH_SCHEMA.parse({}), spawner.spawn, (device) =>
    o.noCard?.() ? `no sound card 0 for ${device}` : undefined,
  );
  sim = await startSimBox({ surfaces: [synth] });
  return { sim, synth, started: spawner.started };
}

describe('the built-in synth surface (simulated FluidSynth, virtual time)', () => {
  it('starts FluidSynth on the hardware device at low latency and sets every channel to a drum kit', async () => {
    const { started } = await boxWithSynth();
    expect(started).toHaveLength(1);
    const args = started[0]?.args.join(' ');
    expect(args).toContain('-a alsa -m alsa_seq -p FluidSynth -o audio.alsa.device=hw:0 -r 48000 -z 128 -c 2');
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
      'built-in synth: fluidsynth exited (SIGSEGV); retrying in 1 s',
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
      'built-in synth: fluidsynth is not installed (apt-get install fluidsynth); retrying in 1 s',
    );
    await sim.run(500 + 1000 + 2000 + 100);
    expect(started).toHaveLength(4);
    missing = false;
    await sim.run(4000);
    expect(started).toHaveLength(5);
    expect(started[4]?.lines.length).toBeGreaterThan(0);
  });

  it('does not start FluidSynth while its sound card is absent, says so once, and starts when it appears', async () => {
    let noCard = true;
    const { sim, started } = await boxWithSynth({ noCard: () => noCard });
    await sim.run(8000);
    expect(started).toHaveLength(0);
    expect(sim.box.snapshot().problems.filter((p) => p.message.startsWith('built-in synth'))).toHaveLength(1);
    expect(sim.box.snapshot().problems.at(-1)?.message).toBe(
      'built-in synth: no sound card 0 for hw:0; retrying in 1 s',
    );
    noCard = false;
    await sim.run(8000);
    expect(started).toHaveLength(1);
  });

  it('stops the synth with the box and does not restart it', async () => {
    const { sim, started } = await boxWithSynth();
    await sim.box.stop();
    expect(started[0]?.exited).toBe(true);
    await sim.run(5000);
    expect(started).toHaveLength(1);
  });
});
