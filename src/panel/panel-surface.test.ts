import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { BLINKS_PER_CODE, countBlinks, cycleMs } from './blink-patterns.js';
import { Ads1115Sim, Pca9685Sim } from './chip-sims.js';
import { EV_KEY, EV_REL, eventPacket } from './evdev-records.js';
import { SimGpio } from './gpio-sim.js';
import { SimI2CBus } from './i2c-sim.js';
import { SimInputSource } from './input-source.js';
import { PANEL_SCHEMA } from './panel-config.js';
import { PanelSurface, SETTINGS_FILE } from './panel-surface.js';
import { parameterNamed } from '../control/parameters.js';
import { SIM_DRUM_PAD } from '../../test/support/sim-devices.js';

const DEV = 'platform-antiphon-keys-event';
const VOICES = [{ name: 'A' }, { name: 'B' }];
const T0 = Number(parameterNamed('temperature')?.default); // the registry's default temperature

interface Rig {
  sim: SimBox;
  panel: PanelSurface;
  input: SimInputSource;
  gpio: SimGpio;
  bus: SimI2CBus;
  adc: Ads1115Sim;
  pwm: Pca9685Sim;
  dataDir: string;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.sim.box.stop();
  rig = undefined;
});

/** A whole box on virtual time with the reference panel on simulated evdev, GPIO LEDs and I2C chips. */
async function startRig(
  dataDir = mkdtempSync(join(tmpdir(), 'antiphon-panel-')),
  extra: Record<string, unknown> = {},
): Promise<Rig> {
  const input = new SimInputSource([DEV]);
  const gpio = new SimGpio();
  const bus = new SimI2CBus(1);
  const adc = new Ads1115Sim();
  const pwm = new Pca9685Sim();
  bus.plug(0x48, adc);
  bus.plug(0x40, pwm);
  const config = PANEL_SCHEMA.parse({ ...extra });
  const panel = new PanelSurface({
    config,
    dataDir,
    hardware: () => ({ input, gpio, i2c: bus, ledsDir: '/nonexistent', missing: [] }),
  });
  const sim = await startSimBox({
    config: { data: { dir: dataDir }, perform: { tempo_bpm: 120, voices: VOICES } },
    surfaces: [panel],
  });
  return { sim, panel, input, gpio, bus, adc, pwm, dataDir };
}

const turn = (r: Rig, axis: number, detents: number, atMs: number): void =>
  r.input.emit(DEV, eventPacket(EV_REL, axis, detents, atMs));
const key = (r: Rig, code: number, down: boolean): void =>
  r.input.emit(DEV, eventPacket(EV_KEY, code, down ? 1 : 0, r.sim.clock.nowMs()));
const voiceValue = (r: Rig, voice: string, param: string): unknown =>
  r.sim.box.snapshot().parameters.voices.find((v) => v.name === voice)?.values[param];

describe('the panel on a whole box, on virtual time', () => {
  it('a knob turn changes the parameter on the bus (source panel); fast turns accelerate; a push resets', async () => {
    const r = (rig = await startRig());
    turn(r, 0, 1, 1000);
    const change = r.sim.events.filter((e) => e.kind === 'parameter').at(-1);
    expect(
      change?.kind === 'parameter' && [change.change.param, change.change.voice, change.change.value, change.source],
    ).toEqual(['temperature', 'A', T0 + 0.05, 'panel']);
    for (let i = 1; i <= 10; i++) turn(r, 0, -1, 5000 + i * 10); // a fast flick down
    expect(Number(voiceValue(r, 'A', 'temperature'))).toBeLessThan(T0 - 0.5); // ten detents, far more than ten steps
    turn(r, 1, 2, 9000); // enc2 drives voice B
    expect(voiceValue(r, 'B', 'temperature')).toBeCloseTo(T0 + 0.1, 6);
    key(r, 256, true); // enc1's push
    key(r, 256, false);
    expect(voiceValue(r, 'A', 'temperature')).toBe(T0);
  });

  it('shift gives every knob its second parameter', async () => {
    const r = (rig = await startRig());
    key(r, 265, true);
    turn(r, 0, 3, 1000);
    key(r, 265, false);
    turn(r, 0, 1, 3000);
    expect(voiceValue(r, 'A', 'top_k')).toBe(3);
    expect(voiceValue(r, 'A', 'temperature')).toBeCloseTo(T0 + 0.05, 6);
  });

  it('mode cycles on a press and goes back to answer on a long-press; mutate double-press loops the answer', async () => {
    const r = (rig = await startRig());
    key(r, 260, true);
    await r.sim.run(50);
    key(r, 260, false);
    expect(r.sim.box.snapshot().parameters.global['mode']).toBe('chain');
    key(r, 260, true);
    await r.sim.run(800); // held past the long-press time: fires while held
    expect(r.sim.box.snapshot().parameters.global['mode']).toBe('answer');
    key(r, 260, false);
    key(r, 261, true);
    key(r, 261, false);
    await r.sim.run(100);
    key(r, 261, true);
    key(r, 261, false);
    expect(r.sim.box.snapshot().parameters.global['loop_response']).toBe(true);
    expect(r.sim.events.some((e) => e.kind === 'command' && e.command.kind === 'mutate')).toBe(false);
  });

  it('a pot takes over softly: nothing jumps after the value changed elsewhere', async () => {
    const r = (rig = await startRig());
    r.adc.volts[2] = 3.3 * 0.5; // pot3: volume, sweep 0..150
    await r.sim.run(300);
    expect(r.sim.box.snapshot().parameters.global['volume']).toBe(100); // at 75 the pot has not met 100 yet
    r.adc.volts[2] = 3.3 * 0.7; // passes 100 (0.667): picked up
    await r.sim.run(300);
    expect(Number(r.sim.box.snapshot().parameters.global['volume'])).toBeGreaterThanOrEqual(103); // 105, less the dead band the smoothing stops in
    r.sim.box.dispatch({ kind: 'set', param: 'volume', value: 20, source: 'web' });
    r.adc.volts[2] = 3.3 * 0.6;
    await r.sim.run(300);
    expect(r.sim.box.snapshot().parameters.global['volume']).toBe(20); // released: the pot must pass 20 first
    r.adc.volts[2] = 3.3 * 0.1;
    await r.sim.run(600);
    expect(Number(r.sim.box.snapshot().parameters.global['volume'])).toBeLessThanOrEqual(17);
  });

  it('MIDI-learn, then a restart restores the mapping and the values', async () => {
    const r = (rig = await startRig());
    const client = r.sim.plug(SIM_DRUM_PAD);
    await r.sim.run(300);
    key(r, 264, true); // hold learn
    await r.sim.run(10);
    r.sim.backend.feed(`${client}:0:input`, [0xb0, 21, 64]);
    await r.sim.run(10);
    turn(r, 1, 1, r.sim.clock.nowMs()); // touch enc2: temperature of voice B
    key(r, 264, false);
    expect(voiceValue(r, 'B', 'temperature')).toBe(T0); // the touch chose, it did not turn
    r.sim.backend.feed(`${client}:0:input`, [0xb0, 21, 127]);
    await r.sim.run(10);
    expect(voiceValue(r, 'B', 'temperature')).toBe(2);
    turn(r, 0, -4, r.sim.clock.nowMs());
    await r.sim.box.stop();
    const saved = JSON.parse(readFileSync(join(r.dataDir, SETTINGS_FILE), 'utf8')) as {
      learned: unknown;
      parameters: unknown;
    };
    expect(saved.learned).toEqual([{ controller: 21, target: 'temperature@B' }]);
    // Only what changed at run time: antiphon.toml stays in charge of the rest.
    expect(saved.parameters).toEqual({
      global: {},
      voices: [
        { name: 'A', values: { temperature: expect.closeTo(T0 - 0.2, 9) } },
        { name: 'B', values: { temperature: 2 } },
      ],
    });

    const again = (rig = await startRig(r.dataDir));
    expect(voiceValue(again, 'B', 'temperature')).toBe(2);
    expect(voiceValue(again, 'A', 'temperature')).toBeCloseTo(T0 - 0.2, 6);
    expect(
      again.sim.events
        .filter((e) => e.kind === 'parameter')
        .every((e) => e.kind === 'parameter' && e.source === 'settings'),
    ).toBe(true);
    const pad = again.sim.plug(SIM_DRUM_PAD);
    await again.sim.run(300);
    again.sim.backend.feed(`${pad}:0:input`, [0xb0, 21, 0]);
    await again.sim.run(10);
    expect(voiceValue(again, 'B', 'temperature')).toBeCloseTo(0.1, 6);
  });

  it('a corrupt settings file is reported on the bus and the box starts from its config', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-panel-'));
    writeFileSync(join(dataDir, SETTINGS_FILE), '{"version": 1, "learned": [{"controller": 300');
    const r = (rig = await startRig(dataDir));
    const problem = r.sim.box.snapshot().problems.find((p) => p.code === 'settings');
    expect(problem?.level).toBe('error');
    expect(problem?.message).toMatch(/panel-settings\.json: not JSON/);
    expect(voiceValue(r, 'A', 'temperature')).toBe(T0);
    turn(r, 0, 1, 1000); // and the panel works
    expect(voiceValue(r, 'A', 'temperature')).toBeCloseTo(T0 + 0.05, 6);
    // The error LED (GPIO 12) blinks the settings pattern: five blinks, then a pause.
    const lit: boolean[] = [];
    for (let t = 0; t < cycleMs(BLINKS_PER_CODE.settings); t += 25) {
      await r.sim.run(25);
      lit.push(r.gpio.level(12) === 1);
    }
    const start = lit.findIndex((l, i) => !l && lit.slice(i, i + 30).every((x) => !x)); // the pause
    const cycle = [...lit.slice(start), ...lit.slice(0, start)];
    expect(countBlinks(cycle)).toBe(5);
  });

  it('LEDs follow listening and answering, the beat LED lights on the beat; an unplugged ADC is logged once and the panel plays on', async () => {
    const r = (rig = await startRig());
    const client = r.sim.plug(SIM_DRUM_PAD);
    await r.sim.run(300);
    const LISTEN_PIN = 10;
    const listenLevels: number[] = [];
    const answerA: number[] = [];
    const view = r.sim.box.clock.timeline;
    const barTicks = view.stepsPerBar * 6;
    const nextBar = view.timeOfTick(
      ((Math.floor(view.tickAt(r.sim.clock.nowMs() as never) / barTicks) + 1) * barTicks) as never,
    );
    await r.sim.run(nextBar - r.sim.clock.nowMs());
    for (let step = 0; step < 16; step++) {
      r.sim.backend.feed(`${client}:0:input`, [0x99, step % 4 === 0 ? 36 : 42, 100]);
      await r.sim.run(62.5);
      listenLevels.push(r.gpio.level(LISTEN_PIN));
      r.sim.backend.feed(`${client}:0:input`, [0x89, 36, 0]);
      await r.sim.run(62.5);
    }
    expect(listenLevels.every((l) => l === 1)).toBe(true);
    for (let i = 0; i < 40; i++) {
      await r.sim.run(100);
      answerA.push(r.pwm.level(0));
    }
    expect(answerA.some((l) => l === 1)).toBe(true);
    expect(r.pwm.level(1)).toBe(0); // answer mode: voice B does not play
    const beats = r.panel.beatDrawn;
    expect(beats.length).toBeGreaterThan(4);
    expect(beats.every((b) => b.drawnMs === b.scheduledMs)).toBe(true);

    r.bus.unplug(0x48); // the ADC goes: logged once, the panel plays on
    await r.sim.run(1000);
    turn(r, 0, 1, r.sim.clock.nowMs());
    expect(voiceValue(r, 'A', 'temperature')).toBeCloseTo(T0 + 0.05, 6);
    expect(r.sim.logs.filter((l) => String(l['msg']).includes('does not answer'))).toHaveLength(1);
    expect(r.panel.status().chips.find((c) => c.name.startsWith('ADS1115'))?.up).toBe(false);
  });
});
