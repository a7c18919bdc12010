import { ADS1115_CONFIG, ADS1115_CONVERSION, ADS1115_FULL_SCALE_V } from './ads1115.js';
import { ByteRegisterChip } from './i2c-sim.js';
import { channelBase, levelOf } from './pca9685.js';

/** An ADS1115 whose inputs a test sets in volts: a single-shot start converts the muxed input. */
export class Ads1115Sim extends ByteRegisterChip {
  readonly volts = [0, 0, 0, 0];
  conversions = 0;

  override writeWord(register: number, value: number): void {
    super.writeWord(register, value);
    const config = this.wide.get(ADS1115_CONFIG) ?? 0;
    if (register !== ADS1115_CONFIG || !(config & 0x8000)) return;
    const mux = (config >> 12) & 0x7;
    const v = mux >= 4 ? (this.volts[mux - 4] ?? 0) : 0;
    this.wide.set(ADS1115_CONVERSION, Math.round((v / ADS1115_FULL_SCALE_V) * 32767) & 0xffff);
    this.conversions++;
  }
}

/** A PCA9685's registers, read back as channel brightness. */
export class Pca9685Sim extends ByteRegisterChip {
  level(channel: number): number {
    const b = channelBase(channel);
    return levelOf([this.bytes[b] ?? 0, this.bytes[b + 1] ?? 0, this.bytes[b + 2] ?? 0, this.bytes[b + 3] ?? 0]);
  }
}
