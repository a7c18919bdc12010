import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from './kmod.js';

const GPIO_SIM = '/sys/kernel/config/gpio-sim';

/** A gpio-sim chip with one bank: the test drives inputs with pulls and reads outputs. */
export interface GpioSimChip {
  /** Character device name, e.g. `gpiochip2` (/dev/gpiochip2). */
  readonly chipName: string;
  readonly label: string;
  /** Legacy sysfs base (dynamic: find chips by label, as on a Raspberry Pi). */
  readonly sysfsBase: number;
  /** Drives input line `n` as a button would: 'pull-up' = high, 'pull-down' = low. */
  setPull(line: number, pull: 'pull-up' | 'pull-down'): void;
  /** The value the line currently has (what an output was set to, or the pulled input). */
  value(line: number): 0 | 1;
  remove(): void;
}

/**
 * Creates a live gpio-sim chip (module built out of tree by hw-sim.sh prepare) with `lines`
 * lines, optional line names, and `label` (how the app finds it). `name` is the configfs folder.
 */
export async function createGpioSim(
  name: string,
  label: string,
  lines: number,
  lineNames: readonly string[] = [],
): Promise<GpioSimChip> {
  await loadModule('gpio-sim');
  const dir = join(GPIO_SIM, name);
  const bank = join(dir, 'bank0');
  mkdirSync(dir);
  mkdirSync(bank);
  writeFileSync(join(bank, 'num_lines'), String(lines));
  writeFileSync(join(bank, 'label'), label);
  lineNames.forEach((n, i) => {
    mkdirSync(join(bank, `line${i}`));
    writeFileSync(join(bank, `line${i}`, 'name'), n);
  });
  writeFileSync(join(dir, 'live'), '1');
  const devName = readFileSync(join(dir, 'dev_name'), 'utf8').trim();
  const chipName = readFileSync(join(bank, 'chip_name'), 'utf8').trim();
  const simDir = join('/sys/devices/platform', devName, chipName);
  const sysfsBase = findSysfsBase(label);
  return {
    chipName,
    label,
    sysfsBase,
    setPull: (line, pull) => writeFileSync(join(simDir, `sim_gpio${line}`, 'pull'), pull),
    value: (line) => (readFileSync(join(simDir, `sim_gpio${line}`, 'value'), 'utf8').trim() === '1' ? 1 : 0),
    remove: () => {
      writeFileSync(join(dir, 'live'), '0');
      lineNames.forEach((_, i) => rmdirSync(join(bank, `line${i}`)));
      rmdirSync(bank);
      rmdirSync(dir);
    },
  };
}

/** Legacy sysfs base of the chip labelled `label` (throws naming the label if absent). */
export function findSysfsBase(label: string): number {
  const root = '/sys/class/gpio';
  if (existsSync(root)) {
    for (const entry of readdirSync(root).filter((e) => e.startsWith('gpiochip'))) {
      if (readFileSync(join(root, entry, 'label'), 'utf8').trim() === label) {
        return Number(readFileSync(join(root, entry, 'base'), 'utf8').trim());
      }
    }
  }
  throw new Error(`no GPIO chip labelled '${label}' in ${root}`);
}
