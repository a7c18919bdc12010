import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedSink } from '../../src/panel/led-sinks.js';

export interface LedHarness {
  readonly led: LedSink;
  /** Makes the hardware fail (LED unbound, chip unplugged) or come back. */
  break(broken: boolean): Promise<void>;
  readonly errors: string[];
  dispose(): Promise<void>;
}

export function ledSinkContract(name: string, makeHarness: () => Promise<LedHarness>): void {
  describe(`LedSink contract: ${name}`, () => {
    let h: LedHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => h.dispose());

    it('shows full on and off', async () => {
      h.led.set(1);
      expect(await h.led.readBack()).toBe(1);
      h.led.set(0);
      expect(await h.led.readBack()).toBe(0);
    });

    it('dims when dimmable; an on/off LED is lit from 0.5', async () => {
      h.led.set(0.3);
      const dim = await h.led.readBack();
      h.led.set(0.6);
      const brighter = await h.led.readBack();
      if (h.led.dimmable) {
        expect(dim).toBeCloseTo(0.3, 2);
        expect(brighter).toBeCloseTo(0.6, 2);
      } else expect([dim, brighter]).toEqual([0, 1]);
    });

    it('keeps the latest of many quick sets', async () => {
      for (let i = 0; i < 50; i++) h.led.set(i % 2);
      h.led.set(1);
      expect(await h.led.readBack()).toBe(1);
    });

    it('reports a failing LED once per outage, never throws, and works again after', async () => {
      await h.break(true);
      h.led.set(1);
      h.led.set(0);
      h.led.set(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(h.errors).toHaveLength(1);
      await h.break(false);
      h.led.set(0);
      h.led.set(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await h.led.readBack()).toBe(1);
    });
  });
}
