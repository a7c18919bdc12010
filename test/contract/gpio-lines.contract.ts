import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpioError, type GpioLines } from '../../src/panel/gpio-lines.js';

/** GPIO lines with a way to drive inputs from outside and read outputs from outside. */
export interface GpioHarness {
  readonly gpio: GpioLines;
  /** Expected chip base (non-zero: the test proves the base is added). */
  readonly base: number;
  /** Pins the harness can drive / read. */
  readonly pins: readonly [number, number, number];
  /** A pin number the chip does not have. */
  readonly missingPin: number;
  /** Sets the level the app reads on an input (active-low already applied). */
  drive(pin: number, level: 0 | 1): Promise<void>;
  /** Reads what the app drives on an output, from outside. */
  sense(pin: number): Promise<0 | 1>;
  dispose(): Promise<void>;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function gpioLinesContract(name: string, makeHarness: () => Promise<GpioHarness>): void {
  describe(`GpioLines contract: ${name}`, () => {
    let h: GpioHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      h.gpio.close();
      await h.dispose();
    });

    it('finds the chip by label with its non-zero base', () => {
      expect(h.gpio.chip.base).toBe(h.base);
      expect(h.base).toBeGreaterThan(0);
    });

    it('reports each change of an input in order, and reads it', async () => {
      const [inPin] = h.pins;
      const seen: number[] = [];
      const line = h.gpio.input(inPin, (v) => seen.push(v));
      await h.drive(inPin, 1);
      await eventually(() => seen.length === 1, 'the press');
      expect(line.value()).toBe(1);
      await h.drive(inPin, 0);
      await eventually(() => seen.length === 2, 'the release');
      expect(seen).toEqual([1, 0]);
      expect(line.value()).toBe(0);
    });

    it('drives an output that reads back inside and out', async () => {
      const out = h.gpio.output(h.pins[2]);
      out.write(1);
      expect(out.value()).toBe(1);
      expect(await h.sense(h.pins[2])).toBe(1);
      out.write(0);
      expect(await h.sense(h.pins[2])).toBe(0);
    });

    it('refuses a pin it cannot open, naming pin and line', () => {
      expect(() => h.gpio.input(h.missingPin, () => undefined)).toThrow(GpioError);
      expect(() => h.gpio.output(h.missingPin)).toThrow(
        new RegExp(`GPIO ${h.missingPin} \\(line ${h.base + h.missingPin}`),
      );
    });

    it('closes idempotently', () => {
      h.gpio.output(h.pins[2]);
      h.gpio.close();
      h.gpio.close();
    });
  });
}
