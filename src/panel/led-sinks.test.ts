import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledSinkContract } from '../../test/contract/led-sink.contract.js';
import { nodeTimers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { ChipLink } from './chip-link.js';
import { Pca9685Sim } from './chip-sims.js';
import { SimI2CBus } from './i2c-sim.js';
import { Pca9685Led, SimLed, SysfsLed } from './led-sinks.js';
import { Pca9685 } from './pca9685.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
}

ledSinkContract('simulator (on/off)', async () => {
  const errors: string[] = [];
  const led = new SimLed(
    'beat',
    false,
    () => 0,
    (_id, m) => errors.push(m),
  );
  return { led, errors, break: async (b) => led.fail(b), dispose: async () => undefined };
});

ledSinkContract('sysfs LED class (a folder laid out as /sys/class/leds on the host)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antiphon-leds-'));
  const make = (): void => {
    mkdirSync(join(dir, 'antiphon:beat'), { recursive: true });
    writeFileSync(join(dir, 'antiphon:beat', 'max_brightness'), '1\n');
    writeFileSync(join(dir, 'antiphon:beat', 'brightness'), '0\n');
  };
  make();
  const errors: string[] = [];
  const led = new SysfsLed('beat', dir, 'antiphon:beat', (_id, m) => errors.push(m));
  return {
    led,
    errors,
    break: async (b) => (b ? rmSync(join(dir, 'antiphon:beat'), { recursive: true }) : make()),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

ledSinkContract('PCA9685 channel (simulated chip)', async () => {
  const bus = new SimI2CBus();
  bus.plug(0x40, new Pca9685Sim());
  const errors: string[] = [];
  const log = { warn: (_o: object, m: string) => errors.push(m), info: () => undefined } as unknown as Logger;
  const pwm = new Pca9685(bus, 0x40);
  const link = new ChipLink('PCA9685 0x40', () => pwm.init(), { log, timers: nodeTimers, retryMs: 5 });
  await link.start();
  const led = new Pca9685Led('answer_a', pwm, link, 3);
  return {
    led,
    errors,
    break: async (b) => {
      if (b) bus.unplug(0x40);
      else {
        bus.plug(0x40, new Pca9685Sim());
        await until(() => link.up);
      }
    },
    dispose: async () => link.stop(),
  };
});
