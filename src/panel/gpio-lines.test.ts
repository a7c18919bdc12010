import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpioLinesContract } from '../../test/contract/gpio-lines.contract.js';
import { GpioError, findChipBase } from './gpio-lines.js';
import { SimGpio } from './gpio-sim.js';

gpioLinesContract('simulator', async () => {
  const gpio = new SimGpio({ label: 'pinctrl-bcm2711', base: 512 });
  return {
    gpio,
    base: 512,
    pins: [17, 27, 10],
    missingPin: 40,
    drive: async (pin, level) => gpio.drive(pin, level),
    sense: async (pin) => gpio.level(pin),
    dispose: async () => undefined,
  };
});

describe('findChipBase', () => {
  const sysfs = (chips: [string, number][]): string => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-gpio-'));
    chips.forEach(([label, base], i) => {
      mkdirSync(join(dir, `gpiochip${base}`));
      writeFileSync(join(dir, `gpiochip${base}`, 'label'), `${label}\n`);
      writeFileSync(join(dir, `gpiochip${base}`, 'base'), `${base}\n`);
      void i;
    });
    return dir;
  };

  it('finds the header chip by label on kernels >= 6.6 (Pi 4: 512, Pi 5: 571)', () => {
    const pi4 = sysfs([
      ['raspberrypi-exp-gpio', 566],
      ['pinctrl-bcm2711', 512],
    ]);
    const pi5 = sysfs([
      ['pinctrl-rp1', 571],
      ['gpio-brcmstb@107d508500', 544],
    ]);
    const labels = ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1'];
    expect(findChipBase(pi4, labels)).toEqual({ label: 'pinctrl-bcm2711', base: 512 });
    expect(findChipBase(pi5, labels)).toEqual({ label: 'pinctrl-rp1', base: 571 });
    rmSync(pi4, { recursive: true });
    rmSync(pi5, { recursive: true });
  });

  it('names the labels it looked for and the chips it found', () => {
    const dir = sysfs([['tegra234-gpio', 348]]);
    expect(() => findChipBase(dir, ['pinctrl-bcm2711'])).toThrow(GpioError);
    expect(() => findChipBase(dir, ['pinctrl-bcm2711'])).toThrow(/pinctrl-bcm2711.*found: tegra234-gpio@348/);
    expect(() => findChipBase(join(dir, 'nope'), ['x'])).toThrow(/no GPIO sysfs/);
    rmSync(dir, { recursive: true });
  });
});
