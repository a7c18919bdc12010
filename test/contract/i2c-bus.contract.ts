import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { I2CError, type I2CBus } from '../../src/panel/i2c-bus.js';

/** A bus with an i2c-stub-like chip (256 words, byte calls on the low half) at `present`. */
export interface I2CHarness {
  readonly bus: I2CBus;
  readonly present: number;
  readonly absent: number;
  /** A bus on an adapter that does not exist. */
  missingBus(): I2CBus;
  /** Removes the adapter (rmmod i2c-stub): false when it is held open, as rmmod's EBUSY. */
  removeAdapter(): Promise<boolean>;
  /** Brings the adapter back, with a chip at `present`, on the same bus number. */
  restoreAdapter(): Promise<void>;
  dispose(): Promise<void>;
}

async function failure(p: Promise<unknown>): Promise<I2CError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof I2CError) return e;
    throw e;
  }
  throw new Error('expected an I2CError');
}

export function i2cBusContract(name: string, makeHarness: () => Promise<I2CHarness>): void {
  describe(`I2CBus contract: ${name}`, () => {
    let h: I2CHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.bus.close();
      await h.dispose();
    });

    it('writes and reads back bytes and words; a word is two bytes, the first in the low half', async () => {
      await h.bus.writeByte(h.present, 0x10, 0xa5);
      expect(await h.bus.readByte(h.present, 0x10)).toBe(0xa5);
      await h.bus.writeWord(h.present, 0x20, 0x1234);
      expect(await h.bus.readWord(h.present, 0x20)).toBe(0x1234);
      expect(await h.bus.readByte(h.present, 0x20)).toBe(0x34);
    });

    it('rejects a chip that does not answer with no-answer, naming bus and address', async () => {
      const e = await failure(h.bus.readByte(h.absent, 0));
      expect(e.reason).toBe('no-answer');
      expect(e.message).toContain(`0x${h.absent.toString(16)}`);
      // and the bus still works for the chip that is there
      await h.bus.writeByte(h.present, 0x11, 7);
      expect(await h.bus.readByte(h.present, 0x11)).toBe(7);
    });

    it('rejects a bus that does not exist with no-bus', async () => {
      const missing = h.missingBus();
      expect((await failure(missing.readByte(h.present, 0))).reason).toBe('no-bus');
      await missing.close();
    });

    it('holds the adapter only inside a burst: removed between calls it is no-bus, and the same bus works when it is back', async () => {
      await h.bus.writeByte(h.present, 0x12, 9);
      await h.bus.burst(async () => {
        expect(await h.bus.readByte(h.present, 0x12)).toBe(9);
        expect(await h.removeAdapter()).toBe(false); // held open: refused
        expect(await h.bus.readByte(h.present, 0x12)).toBe(9);
      });
      expect(await h.removeAdapter()).toBe(true); // the burst is over: nothing holds it
      const gone = await failure(h.bus.readByte(h.present, 0x12));
      expect(gone.reason).toBe('no-bus');
      expect(gone.message).toContain(`/dev/i2c-${h.bus.busNumber}`);
      await h.restoreAdapter();
      await h.bus.writeByte(h.present, 0x12, 5);
      expect(await h.bus.readByte(h.present, 0x12)).toBe(5);
      expect(await h.removeAdapter()).toBe(true);
      await h.restoreAdapter();
    });

    it('closes idempotently; calls after close reject with closed', async () => {
      await h.bus.close();
      await h.bus.close();
      expect((await failure(h.bus.readByte(h.present, 0))).reason).toBe('closed');
    });
  });
}
