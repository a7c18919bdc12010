import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChipLink } from './chip-link.js';
import type { GpioLines } from './gpio-lines.js';
import type { Pca9685 } from './pca9685.js';

/**
 * The LED seam. Real: `SysfsLed` (the kernel's gpio-leds under /sys/class/leds), `Pca9685Led`
 * (dimmable, over I2C) and `GpioLed` (the onoff fallback). Simulator: `SimLed`.
 * `test/contract/led-sink.contract.ts` holds them to this:
 *
 * - `set(level)` (0..1) never throws and never waits; the latest level wins when sets come
 *   faster than the hardware takes them.
 * - An on/off LED is lit at 0.5 and above; a dimmable one shows the level (gamma-corrected).
 * - `readBack()` reads the hardware (after any pending write) as 0..1.
 * - A write that fails (LED gone, chip not answering) is reported through `onError` once
 *   per outage, and later sets try again.
 */
export interface LedSink {
  readonly id: string;
  readonly dimmable: boolean;
  set(level: number): void;
  readBack(): Promise<number>;
}

export const isLit = (level: number): boolean => level >= 0.5;

/** An LED of the kernel's LED class: writes `brightness` (0 or `max_brightness`). */
export class SysfsLed implements LedSink {
  readonly dimmable = false;
  readonly #dir: string;
  #max: number | undefined;
  #last: boolean | undefined;
  #failing = false;

  constructor(
    readonly id: string,
    ledsDir: string,
    readonly name: string,
    private readonly onError: (id: string, message: string) => void = () => undefined,
  ) {
    this.#dir = join(ledsDir, name);
  }

  set(level: number): void {
    const on = isLit(level);
    if (on === this.#last && !this.#failing) return;
    try {
      this.#max ??= Number(readFileSync(join(this.#dir, 'max_brightness'), 'utf8').trim()) || 1;
      // A sysfs attribute write is a few µs and never blocks: done in line.
      writeFileSync(join(this.#dir, 'brightness'), String(on ? this.#max : 0));
      this.#last = on;
      this.#failing = false;
    } catch (e) {
      if (!this.#failing)
        this.onError(this.id, `${this.#dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      this.#failing = true;
    }
  }

  async readBack(): Promise<number> {
    return Number(readFileSync(join(this.#dir, 'brightness'), 'utf8').trim()) > 0 ? 1 : 0;
  }
}

/** A PCA9685 channel. Writes are queued one at a time; only the newest pending level is kept. */
export class Pca9685Led implements LedSink {
  readonly dimmable = true;
  #wanted: number | undefined;
  #written: number | undefined;
  #busy: Promise<void> | undefined;

  constructor(
    readonly id: string,
    private readonly chip: Pca9685,
    private readonly link: ChipLink,
    readonly channel: number,
  ) {}

  set(level: number): void {
    this.#wanted = Math.min(1, Math.max(0, level));
    if (!this.link.up) this.#written = undefined; // rewrite everything once the chip is back
    // finally() runs as a microtask, after the assignment, even when the pump has nothing to do.
    this.#busy ??= this.#pump().finally(() => (this.#busy = undefined));
  }

  async readBack(): Promise<number> {
    await this.#busy;
    return (await this.link.run(() => this.chip.readLevel(this.channel))) ?? 0;
  }

  async #pump(): Promise<void> {
    while (this.#wanted !== undefined && this.#wanted !== this.#written) {
      const level = this.#wanted;
      const done = await this.link.run(async () => {
        await this.chip.setLevel(this.channel, level);
        return true;
      });
      if (!done) return; // the link logged it; the next set after recovery writes again
      this.#written = level;
    }
  }
}

/** An LED on a header pin through the GPIO fallback. */
export class GpioLed implements LedSink {
  readonly dimmable = false;
  readonly #line: ReturnType<GpioLines['output']>;
  #failing = false;

  constructor(
    readonly id: string,
    gpio: GpioLines,
    pin: number,
    private readonly onError: (id: string, message: string) => void = () => undefined,
  ) {
    this.#line = gpio.output(pin);
  }

  set(level: number): void {
    try {
      this.#line.write(isLit(level) ? 1 : 0);
      this.#failing = false;
    } catch (e) {
      if (!this.#failing) this.onError(this.id, (e as Error).message);
      this.#failing = true;
    }
  }

  async readBack(): Promise<number> {
    return this.#line.value();
  }
}

/** A recorded LED: every level with the time it was set, for tests and `antiphon panel --sim`. */
export class SimLed implements LedSink {
  readonly history: { atMs: number; level: number }[] = [];
  #broken = false;
  #reported = false;

  constructor(
    readonly id: string,
    readonly dimmable: boolean,
    private readonly now: () => number = () => 0,
    private readonly onError: (id: string, message: string) => void = () => undefined,
  ) {}

  /** Makes the LED fail like a vanished one (writes are lost and reported). */
  fail(broken: boolean): void {
    this.#broken = broken;
    if (!broken) this.#reported = false;
  }

  set(level: number): void {
    if (this.#broken) {
      if (!this.#reported) this.onError(this.id, 'simulated LED gone');
      this.#reported = true;
      return;
    }
    const shown = this.dimmable ? Math.min(1, Math.max(0, level)) : isLit(level) ? 1 : 0;
    if (this.history.at(-1)?.level === shown) return;
    this.history.push({ atMs: this.now(), level: shown });
  }

  get level(): number {
    return this.history.at(-1)?.level ?? 0;
  }

  async readBack(): Promise<number> {
    return this.level;
  }
}
