import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The GPIO fallback seam, for boards without the overlay. Real: `OnoffGpio` (sysfs through
 * onoff, the header chip found by label). Simulator: `SimGpio`.
 * `test/contract/gpio-lines.contract.ts` holds both to this:
 *
 * - Pins are the header's numbers (BCM on a Pi); the chip's base is added inside, so kernels
 *   >= 6.6 (base 512 on a Pi 4, 571 on a Pi 5) need nothing from the caller.
 * - `input` reports every change of the line's level (active-low: a pressed button to ground
 *   reads 1), in order, the first one only after a change; `value()` reads it now.
 * - `output` drives a line; `value()` reads back what is driven.
 * - A pin that cannot be opened throws `GpioError` naming the pin and the line number.
 * - `close()` releases every line (unexport) and is idempotent.
 */
export interface GpioLines {
  readonly kind: string;
  /** The chip's label and base (the number added to every pin). */
  readonly chip: { readonly label: string; readonly base: number };
  input(pin: number, onChange: (value: 0 | 1) => void): GpioLine;
  output(pin: number): GpioLine & { write(value: 0 | 1): void };
  close(): void;
}

export interface GpioLine {
  readonly pin: number;
  value(): 0 | 1;
}

export class GpioError extends Error {
  override readonly name = 'GpioError';
}

/** The base of the first GPIO chip whose label is one of `labels` (in that order of preference). */
export function findChipBase(gpioDir: string, labels: readonly string[]): { label: string; base: number } {
  let chips: { label: string; base: number }[] = [];
  try {
    chips = readdirSync(gpioDir)
      .filter((e) => e.startsWith('gpiochip'))
      .map((e) => ({
        label: readFileSync(join(gpioDir, e, 'label'), 'utf8').trim(),
        base: Number(readFileSync(join(gpioDir, e, 'base'), 'utf8').trim()),
      }));
  } catch (e) {
    throw new GpioError(
      `no GPIO sysfs at ${gpioDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): is CONFIG_GPIO_SYSFS set?`,
    );
  }
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip && Number.isInteger(chip.base)) return chip;
  }
  throw new GpioError(
    `no GPIO chip labelled ${labels.join(' or ')} in ${gpioDir} (found: ${chips.map((c) => `${c.label}@${c.base}`).join(', ') || 'none'})`,
  );
}
