import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { isModuleLoaded, loadModule } from './kmod.js';
import { waitFor } from './wait.js';

/** Chip addresses every suite gets (the panel's PCA9685 and ADS1115); i2c-stub takes them only at its first load. */
export const I2C_STUB_ADDRESSES = [0x40, 0x48] as const;

/**
 * Loads i2c-dev + i2c-stub (a 256-register SMBus chip at each address) and returns the bus
 * number n of /dev/i2c-n.
 */
export async function loadI2cStub(): Promise<number> {
  await loadModule('i2c-dev');
  await loadModule('i2c-stub', [`chip_addr=${I2C_STUB_ADDRESSES.map((a) => `0x${a.toString(16)}`).join(',')}`]);
  return waitFor(
    () => {
      for (const a of readdirSync('/sys/class/i2c-adapter')) {
        if (readFileSync(`/sys/class/i2c-adapter/${a}/name`, 'utf8').trim() === 'SMBus stub driver') {
          const n = Number(a.replace('i2c-', ''));
          return i2cDevicePresent(n) ? n : undefined; // and its /dev node, for a reload under a running box
        }
      }
      return undefined;
    },
    { what: 'the i2c-stub adapter and its /dev/i2c-N' },
  );
}

/**
 * Unplugs i2c-stub's adapter: `rmmod i2c_stub`. While a process holds /dev/i2c-N open the
 * kernel refuses ("in use"); `between` runs before each further try (a test moves its box on),
 * and after `tries` refusals this fails, naming them. Returns how many tries were refused.
 */
export async function removeI2cStub(
  between: () => Promise<void> = async () => undefined,
  tries = 200,
): Promise<number> {
  let refused = 0;
  for (;;) {
    if (!isModuleLoaded('i2c_stub')) return refused;
    try {
      await promisify(execFile)('rmmod', ['i2c_stub']);
      return refused;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
      if (!/in use|busy/i.test(stderr)) throw new Error(`rmmod i2c_stub failed: ${stderr}`);
      if (++refused >= tries) throw new Error(`rmmod i2c_stub: still in use after ${refused} tries (${stderr})`);
      await between();
    }
  }
}

/** Whether /dev/i2c-n exists (devtmpfs drops it with its adapter). */
export const i2cDevicePresent = (bus: number): boolean => readdirSync('/dev').includes(`i2c-${bus}`);
