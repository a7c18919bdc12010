import type { I2CBus } from './i2c-bus.js';

export const PCA9685_MODE1 = 0x00;
export const PCA9685_MODE2 = 0x01;
export const PCA9685_PRE_SCALE = 0xfe;
export const MODE1_SLEEP = 0x10;
export const MODE1_AI = 0x20;
export const MODE2_OUTDRV = 0x04;
/** Bit 4 of ON_H / OFF_H: the channel fully on / fully off. */
const FULL = 0x10;

export const channelBase = (channel: number): number => 0x06 + 4 * channel;

/** PRE_SCALE for a PWM frequency: round(25 MHz / (4096 f)) - 1, within the chip's 3..255. */
export function prescaleFor(frequencyHz: number): number {
  return Math.min(255, Math.max(3, Math.round(25_000_000 / (4096 * frequencyHz)) - 1));
}

/** The four channel registers (ON_L, ON_H, OFF_L, OFF_H) for a brightness 0..1, gamma 2 so half looks half. */
export function channelBytes(level: number): [number, number, number, number] {
  if (!(level > 0)) return [0, 0, 0, FULL];
  if (level >= 1) return [0, FULL, 0, 0];
  const off = Math.min(4094, Math.max(1, Math.round(level * level * 4095)));
  return [0, 0, off & 0xff, off >> 8];
}

/** The brightness the channel registers hold (the inverse of channelBytes, to read back). */
export function levelOf(bytes: readonly number[]): number {
  const [, onH = 0, offL = 0, offH = 0] = bytes;
  if (offH & FULL) return 0;
  if (onH & FULL) return 1;
  return Math.sqrt(((offH & 0x0f) * 256 + offL) / 4095);
}

/** PCA9685 16-channel PWM LED driver over an I2CBus, one register per transfer (works on every adapter). */
export class Pca9685 {
  constructor(
    private readonly bus: I2CBus,
    readonly address: number,
  ) {}

  /** Sleep, set the PWM frequency (PRE_SCALE is writable only asleep), wake, totem-pole outputs. */
  init(frequencyHz = 1000): Promise<void> {
    return this.bus.burst(async () => {
      await this.bus.writeByte(this.address, PCA9685_MODE1, MODE1_SLEEP | MODE1_AI);
      await this.bus.writeByte(this.address, PCA9685_PRE_SCALE, prescaleFor(frequencyHz));
      await this.bus.writeByte(this.address, PCA9685_MODE1, MODE1_AI);
      await this.bus.writeByte(this.address, PCA9685_MODE2, MODE2_OUTDRV);
    });
  }

  setLevel(channel: number, level: number): Promise<void> {
    const base = channelBase(channel);
    const bytes = channelBytes(level);
    return this.bus.burst(async () => {
      for (let i = 0; i < 4; i++) await this.bus.writeByte(this.address, base + i, bytes[i] ?? 0);
    });
  }

  readLevel(channel: number): Promise<number> {
    const base = channelBase(channel);
    return this.bus.burst(async () => {
      const bytes: number[] = [];
      for (let i = 0; i < 4; i++) bytes.push(await this.bus.readByte(this.address, base + i));
      return levelOf(bytes);
    });
  }
}
