import { createRequire } from 'node:module';
import { GpioError, findChipBase, type GpioLine, type GpioLines } from './gpio-lines.js';

/** The part of onoff's Gpio used here. */
interface OnoffLine {
  readSync(): 0 | 1;
  writeSync(value: 0 | 1): void;
  watch(cb: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unexport(): void;
}
interface OnoffModule {
  Gpio: new (gpio: number, direction: 'in' | 'out', edge?: 'both', options?: { activeLow?: boolean }) => OnoffLine;
}

/**
 * GPIO through onoff (sysfs). onoff numbers lines globally, so the header chip's base, found
 * by its label, is added to every pin: `new Gpio(17)` alone fails with EINVAL on kernels >= 6.6.
 * Inputs are active-low (buttons and encoder contacts pull to ground).
 */
export class OnoffGpio implements GpioLines {
  readonly kind = 'onoff';
  readonly chip: { label: string; base: number };
  readonly #lines: OnoffLine[] = [];
  readonly #mod: OnoffModule;

  constructor(gpioDir: string, labels: readonly string[]) {
    this.chip = findChipBase(gpioDir, labels);
    try {
      this.#mod = createRequire(import.meta.url)('onoff') as OnoffModule;
    } catch (e) {
      throw new GpioError(`the onoff package cannot load: ${(e as Error).message}`);
    }
  }

  input(pin: number, onChange: (value: 0 | 1) => void): GpioLine {
    const line = this.#open(pin, 'in');
    line.watch((err, value) => {
      if (!err) onChange(value);
    });
    return { pin, value: () => line.readSync() };
  }

  output(pin: number): GpioLine & { write(value: 0 | 1): void } {
    const line = this.#open(pin, 'out');
    return { pin, value: () => line.readSync(), write: (v) => line.writeSync(v) };
  }

  close(): void {
    for (const l of this.#lines.splice(0)) {
      try {
        l.unexport();
      } catch {
        // already released
      }
    }
  }

  #open(pin: number, direction: 'in' | 'out'): OnoffLine {
    const n = this.chip.base + pin;
    try {
      const line =
        direction === 'in' ? new this.#mod.Gpio(n, 'in', 'both', { activeLow: true }) : new this.#mod.Gpio(n, 'out');
      this.#lines.push(line);
      return line;
    } catch (e) {
      throw new GpioError(
        `GPIO ${pin} (line ${n} of ${this.chip.label}, base ${this.chip.base}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
}
