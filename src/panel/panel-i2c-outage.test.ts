import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { playKickCall } from '../../test/support/sim-devices.js';
import { Ads1115Sim, Pca9685Sim } from './chip-sims.js';
import { SimI2CBus } from './i2c-sim.js';
import { MODE1_AI, PCA9685_MODE1 } from './pca9685.js';
import { PANEL_SCHEMA } from './panel-config.js';
import { PanelSurface } from './panel-surface.js';

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

describe('the I2C adapter going away under a playing box (simulator; the VM suite does it with rmmod i2c-stub)', () => {
  it('is released between polls, each chip is logged once, an answer still comes; back, pots pick up softly and LEDs are rewritten', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-panel-i2c-'));
    const bus = new SimI2CBus(1);
    let adc = new Ads1115Sim();
    bus.plug(0x48, adc);
    bus.plug(0x40, new Pca9685Sim());
    const config = PANEL_SCHEMA.parse({
      retry_ms: 400,
      encoders: [],
      buttons: [],
      pots: [{ id: 'volume', channel: 2, param: 'volume' }], // sweeps 0..150, default 100
      leds: [
        { id: 'listening', show: 'listening', pca9685: 0 },
        { id: 'answer_a', show: 'answering', voice: 'A', pca9685: 1 },
      ],
    });
    const panel = new PanelSurface({
      config,
      dataDir,
      hardware: () => ({ i2c: bus, ledsDir: '/nonexistent', missing: [] }),
    });
    const s = (sim = await startSimBox({
      config: { data: { dir: dataDir }, perform: { tempo_bpm: 120 } },
      surfaces: [panel],
    }));
    const volume = (): number => Number(s.box.snapshot().parameters.global['volume']);
    const logged = (text: string): string[] =>
      s.logs.filter((l) => String(l['msg']).includes(text)).map((l) => String(l['chip']));
    const chips = panel.status().chips.map((c) => c.name);
    expect(chips).toHaveLength(2);

    adc.volts[2] = 3.3 * 0.5;
    await s.run(300);
    expect(volume()).toBe(100); // soft takeover: at 75 the pot has not met 100 yet
    adc.volts[2] = 3.3 * 0.8; // passes 100 (0.667): picked up
    await s.run(300);
    expect(volume()).toBeGreaterThanOrEqual(115);

    // Removal is refused while a poll holds the adapter (as rmmod is), and succeeds between polls.
    let refused = 0;
    while (!bus.removeAdapter()) {
      refused++;
      await s.run(1);
    }
    expect(refused).toBeLessThan(50);
    expect((await playKickCall(s)).answered).toBe(true);
    await s.run(5000);
    expect(logged('does not answer').sort()).toEqual([...chips].sort());
    expect(panel.status().chips.every((c) => !c.up)).toBe(true);

    // Back, as after a power loss: fresh registers, the ADC reads the pot somewhere else.
    const pwm = new Pca9685Sim();
    adc = new Ads1115Sim();
    adc.volts[2] = 3.3 * 0.5;
    bus.plug(0x40, pwm);
    bus.plug(0x48, adc);
    bus.restoreAdapter();
    await s.run(1000);
    expect(panel.status().chips.every((c) => c.up)).toBe(true);
    expect(logged('answers again').sort()).toEqual([...chips].sort());
    expect(pwm.bytes[PCA9685_MODE1]).toBe(MODE1_AI);
    const leds = panel.status().leds;
    expect(pwm.level(0)).toBeCloseTo(leds.get('listening') ?? -1, 3); // 12-bit PWM: close, not equal
    expect(pwm.level(1)).toBeCloseTo(leds.get('answer_a') ?? -1, 3);
    expect(pwm.writes.length).toBeGreaterThan(4); // init, then the channels: rewritten, not left dark
    expect(volume()).toBeGreaterThanOrEqual(115); // the pot at 0.5 has not met 0.8: nothing jumped
    adc.volts[2] = 3.3 * 0.95;
    await s.run(500);
    expect(volume()).toBeGreaterThanOrEqual(135); // passed 0.8: picked up again
  });
});
