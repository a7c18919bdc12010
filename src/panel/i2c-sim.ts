import { I2CError, type I2CBus } from './i2c-bus.js';

/** A simulated chip's registers as the bus sees them. */
export interface SimChip {
  readByte(register: number): number;
  writeByte(register: number, value: number): void;
  /** The SMBus word: first wire byte in the low half. */
  readWord(register: number): number;
  writeWord(register: number, value: number): void;
}

/** i2c-stub's model: 256 16-bit words; byte calls use a word's low half. What the hw-sim VM has. */
export class StubChip implements SimChip {
  readonly words = new Uint16Array(256);
  readByte(r: number): number {
    return (this.words[r] ?? 0) & 0xff;
  }
  writeByte(r: number, v: number): void {
    this.words[r] = ((this.words[r] ?? 0) & 0xff00) | (v & 0xff);
  }
  readWord(r: number): number {
    return this.words[r] ?? 0;
  }
  writeWord(r: number, v: number): void {
    this.words[r] = v & 0xffff;
  }
}

/** A chip of byte registers that sends word registers big-endian (MSB first), as the ADS1115 and PCA9685 do. */
export class ByteRegisterChip implements SimChip {
  readonly bytes = new Uint8Array(256);
  /** 16-bit registers (ADS1115): a word access moves the whole register, MSB first on the wire. */
  readonly wide = new Map<number, number>();
  readonly writes: { register: number; value: number; word: boolean }[] = [];
  readByte(r: number): number {
    return this.bytes[r] ?? 0;
  }
  writeByte(r: number, v: number): void {
    this.writes.push({ register: r, value: v & 0xff, word: false });
    this.bytes[r] = v & 0xff;
  }
  readWord(r: number): number {
    const reg = this.wide.get(r) ?? 0;
    return ((reg >> 8) & 0xff) | ((reg & 0xff) << 8);
  }
  writeWord(r: number, v: number): void {
    const reg = ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    this.writes.push({ register: r, value: reg, word: true });
    this.wide.set(r, reg);
  }
}

/**
 * An in-memory I2C bus: plug chips at addresses, unplug them to test a chip that stops
 * answering, remove the adapter to test a bus that goes away (refused while held, as rmmod is).
 */
export class SimI2CBus implements I2CBus {
  readonly kind = 'simulator';
  readonly #chips = new Map<number, SimChip>();
  #closed = false;
  #holders = 0;
  transfers = 0;
  /** Bursts begun (the real bus opens the device once for each). */
  bursts = 0;

  /** `adapterPresent: false` is a bus whose adapter does not exist (every call: no-bus). */
  constructor(
    readonly busNumber = 1,
    private adapterPresent = true,
  ) {}

  /** Whether a burst holds the adapter now. */
  get held(): boolean {
    return this.#holders > 0;
  }

  /** Removes the adapter, as rmmod does: refused (false) while a burst holds it. Chips stay plugged for its return. */
  removeAdapter(): boolean {
    if (this.#holders > 0) return false;
    this.adapterPresent = false;
    return true;
  }

  restoreAdapter(): void {
    this.adapterPresent = true;
  }

  async burst<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#holders++ === 0) this.bursts++;
    try {
      return await fn();
    } finally {
      this.#holders--;
    }
  }

  plug(address: number, chip: SimChip): void {
    this.#chips.set(address, chip);
  }

  unplug(address: number): void {
    this.#chips.delete(address);
  }

  readByte(address: number, register: number): Promise<number> {
    return this.burst(async () => this.#chip(address).readByte(register));
  }
  writeByte(address: number, register: number, value: number): Promise<void> {
    return this.burst(async () => this.#chip(address).writeByte(register, value));
  }
  readWord(address: number, register: number): Promise<number> {
    return this.burst(async () => this.#chip(address).readWord(register));
  }
  writeWord(address: number, register: number, value: number): Promise<void> {
    return this.burst(async () => this.#chip(address).writeWord(register, value));
  }
  async close(): Promise<void> {
    this.#closed = true;
  }

  #chip(address: number): SimChip {
    if (this.#closed) throw new I2CError('closed', this.busNumber, address, 'bus closed');
    if (!this.adapterPresent) throw new I2CError('no-bus', this.busNumber, address, 'no such adapter');
    this.transfers++;
    const chip = this.#chips.get(address);
    if (!chip) throw new I2CError('no-answer', this.busNumber, address, 'no chip answers (NAK)');
    return chip;
  }
}
