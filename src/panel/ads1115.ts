import { swap16, type I2CBus } from './i2c-bus.js';

export const ADS1115_CONVERSION = 0x00;
export const ADS1115_CONFIG = 0x01;
/** Full scale of the ±4.096 V range the panel uses (pots run from 3.3 V). */
export const ADS1115_FULL_SCALE_V = 4.096;

/**
 * A single-shot conversion of AINn against ground: start (bit 15), mux AINn (0x4000 + n * 0x1000),
 * ±4.096 V (0x0200), single-shot (0x0100), 860 SPS (0x00E0), comparator off (0x0003).
 */
export function singleShotConfig(channel: number): number {
  if (!Number.isInteger(channel) || channel < 0 || channel > 3)
    throw new RangeError(`ADS1115 channel ${channel}: expected 0..3`);
  return 0x8000 | (0x4000 + channel * 0x1000) | 0x0200 | 0x0100 | 0x00e0 | 0x0003;
}

/** A conversion result (signed 16-bit) as a pot position 0..1 for a pot across `supplyV`. */
export function rawToPosition(raw: number, supplyV = 3.3): number {
  return Math.min(1, Math.max(0, (raw * ADS1115_FULL_SCALE_V) / 32768 / supplyV));
}

/** ADS1115 over an I2CBus: its 16-bit registers are big-endian, SMBus words little-endian, so every word is swapped. */
export class Ads1115 {
  constructor(
    readonly bus: I2CBus,
    readonly address: number,
    /** Waits this many ms (the box's timers; virtual in tests). */
    private readonly wait: (ms: number) => Promise<void>,
  ) {}

  /** Reads the config register: proves the chip answers. */
  async probe(): Promise<number> {
    return swap16(await this.bus.readWord(this.address, ADS1115_CONFIG));
  }

  /** One single-shot conversion of `channel`: the raw signed result. 860 SPS converts in 1.2 ms; 2 ms is waited. */
  read(channel: number): Promise<number> {
    return this.bus.burst(async () => {
      await this.bus.writeWord(this.address, ADS1115_CONFIG, swap16(singleShotConfig(channel)));
      await this.wait(2);
      const v = swap16(await this.bus.readWord(this.address, ADS1115_CONVERSION));
      return v >= 0x8000 ? v - 0x10000 : v;
    });
  }
}
