import { readdirSync, readFileSync } from 'node:fs';
import { loadModule } from './kmod.js';
import { waitFor } from './wait.js';

/** Chip addresses every suite gets; i2c-stub takes them only at its first load. */
export const I2C_STUB_ADDRESSES = [0x48] as const;

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
        if (readFileSync(`/sys/class/i2c-adapter/${a}/name`, 'utf8').trim() === 'SMBus stub driver')
          return Number(a.replace('i2c-', ''));
      }
      return undefined;
    },
    { what: 'the i2c-stub adapter' },
  );
}
