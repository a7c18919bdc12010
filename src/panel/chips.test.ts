import { describe, expect, it } from 'vitest';
import { virtualScheduler } from '../clock/testing.js';
import { schedulerTimers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { Ads1115, rawToPosition, singleShotConfig } from './ads1115.js';
import { ChipLink } from './chip-link.js';
import { Ads1115Sim, Pca9685Sim } from './chip-sims.js';
import { SimI2CBus } from './i2c-sim.js';
import { MODE1_AI, PCA9685_MODE1, PCA9685_PRE_SCALE, Pca9685, channelBytes, prescaleFor } from './pca9685.js';

const noWait = async (): Promise<void> => undefined;

describe('ADS1115 driver', () => {
  it('builds the datasheet config words', () => {
    expect(singleShotConfig(0)).toBe(0xc3e3);
    expect(singleShotConfig(3)).toBe(0xf3e3);
    expect(() => singleShotConfig(4)).toThrow(/channel 4/);
  });

  it('sends the config big-endian and reads each channel big-endian', async () => {
    const bus = new SimI2CBus();
    const chip = new Ads1115Sim();
    bus.plug(0x48, chip);
    chip.volts.splice(0, 4, 0, 1.65, 3.3, -0.1);
    const adc = new Ads1115(bus, 0x48, noWait);
    expect(await adc.read(2)).toBe(Math.round((3.3 / 4.096) * 32767));
    expect(chip.wide.get(1)).toBe(0xe3e3); // AIN2 as the chip holds it, not byte-swapped
    expect(rawToPosition(await adc.read(1))).toBeCloseTo(0.5, 3);
    expect(await adc.read(3)).toBeLessThan(0); // signed
    expect(rawToPosition(await adc.read(3))).toBe(0);
  });
});

describe('PCA9685 driver', () => {
  it('sets the PWM frequency asleep, then wakes with auto-increment', async () => {
    const bus = new SimI2CBus();
    const chip = new Pca9685Sim();
    bus.plug(0x40, chip);
    await new Pca9685(bus, 0x40).init(1000);
    expect(prescaleFor(1000)).toBe(5);
    expect(prescaleFor(200)).toBe(30);
    const order = chip.writes.map((w) => [w.register, w.value]);
    expect(order.slice(0, 3)).toEqual([
      [PCA9685_MODE1, 0x30],
      [PCA9685_PRE_SCALE, 5],
      [PCA9685_MODE1, MODE1_AI],
    ]);
  });

  it('writes full on, full off and dimmed levels that read back', async () => {
    const bus = new SimI2CBus();
    const chip = new Pca9685Sim();
    bus.plug(0x40, chip);
    const pwm = new Pca9685(bus, 0x40);
    expect(channelBytes(1)).toEqual([0, 0x10, 0, 0]);
    expect(channelBytes(0)).toEqual([0, 0, 0, 0x10]);
    await pwm.setLevel(3, 1);
    await pwm.setLevel(4, 0.5);
    await pwm.setLevel(5, 0);
    expect([chip.level(3), chip.level(5)]).toEqual([1, 0]);
    expect(chip.level(4)).toBeCloseTo(0.5, 2);
    expect(await pwm.readLevel(4)).toBeCloseTo(0.5, 2);
    expect(chip.bytes[0x06 + 4 * 4 + 2]).toBe(1024 & 0xff); // OFF_L of 0.5^2 * 4095 = 1024
  });
});

describe('ChipLink', () => {
  it('logs a chip that does not answer once, retries quietly, and logs its return once', async () => {
    const { wakeup, scheduler } = virtualScheduler();
    const timers = schedulerTimers(scheduler);
    const lines: string[] = [];
    const logged = {
      warn: (_o: object, m: string) => lines.push(`warn ${m}`),
      info: (_o: object, m: string) => lines.push(`info ${m}`),
    } as unknown as Logger;
    const bus = new SimI2CBus();
    const pwm = new Pca9685(bus, 0x40);
    let inits = 0;
    const link = new ChipLink(
      'PCA9685 0x40',
      async () => {
        inits++;
        await pwm.init();
      },
      { log: logged, timers, retryMs: 2000 },
    );
    await link.start();
    expect(link.up).toBe(false);
    for (let t = 0; t < 10_000; t += 500) {
      wakeup.advanceTo(t);
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(inits).toBeGreaterThanOrEqual(5);
    expect(lines).toEqual(['warn panel chip does not answer; retrying, the rest of the panel works']);
    bus.plug(0x40, new Pca9685Sim());
    wakeup.advanceTo(12_000);
    await new Promise((r) => setTimeout(r, 0));
    expect(link.up).toBe(true);
    expect(await link.run(() => pwm.setLevel(0, 1))).toBeUndefined();
    bus.unplug(0x40);
    await link.run(() => pwm.setLevel(0, 0));
    expect(link.up).toBe(false);
    expect(lines).toEqual([
      'warn panel chip does not answer; retrying, the rest of the panel works',
      'info panel chip found',
      'warn panel chip does not answer; retrying, the rest of the panel works',
    ]);
    bus.plug(0x40, new Pca9685Sim());
    wakeup.advanceTo(12_100); // the first retry after a failure comes at 100 ms, not retryMs
    await new Promise((r) => setTimeout(r, 0));
    expect(link.up).toBe(true);
    expect(lines.at(-1)).toBe('info panel chip answers again');
    link.stop();
  });
});
