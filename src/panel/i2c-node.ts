import { createRequire } from 'node:module';
import { I2CError, failureOf, type I2CBus } from './i2c-bus.js';

/** The part of i2c-bus's promise API used here (the package ships no types). */
interface PromisifiedBus {
  readByte(address: number, command: number): Promise<number>;
  writeByte(address: number, command: number, byte: number): Promise<void>;
  readWord(address: number, command: number): Promise<number>;
  writeWord(address: number, command: number, word: number): Promise<void>;
  close(): Promise<void>;
}
interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBus>;
}

/** /dev/i2c-N through the `i2c-bus` package, opened on first use. */
export class NodeI2CBus implements I2CBus {
  readonly kind = 'i2c-bus';
  #bus: Promise<PromisifiedBus> | undefined;
  #closed = false;

  constructor(readonly busNumber: number) {}

  readByte(address: number, register: number): Promise<number> {
    return this.#call(address, `read 0x${register.toString(16)}`, (b) => b.readByte(address, register));
  }
  writeByte(address: number, register: number, value: number): Promise<void> {
    return this.#call(address, `write 0x${register.toString(16)}`, (b) => b.writeByte(address, register, value));
  }
  readWord(address: number, register: number): Promise<number> {
    return this.#call(address, `read word 0x${register.toString(16)}`, (b) => b.readWord(address, register));
  }
  writeWord(address: number, register: number, value: number): Promise<void> {
    return this.#call(address, `write word 0x${register.toString(16)}`, (b) => b.writeWord(address, register, value));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const bus = this.#bus;
    this.#bus = undefined;
    await bus?.then((b) => b.close()).catch(() => undefined);
  }

  async #call<T>(address: number | undefined, what: string, fn: (bus: PromisifiedBus) => Promise<T>): Promise<T> {
    if (this.#closed) throw new I2CError('closed', this.busNumber, address, 'bus closed');
    this.#bus ??= this.#open();
    let bus: PromisifiedBus;
    try {
      bus = await this.#bus;
    } catch (e) {
      this.#bus = undefined; // the adapter may appear later (a module loaded, an overlay applied)
      throw e;
    }
    try {
      return await fn(bus);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new I2CError(failureOf(code), this.busNumber, address, `${what}: ${code ?? (e as Error).message}`);
    }
  }

  async #open(): Promise<PromisifiedBus> {
    let mod: I2cBusModule;
    try {
      mod = createRequire(import.meta.url)('i2c-bus') as I2cBusModule;
    } catch (e) {
      throw new I2CError(
        'other',
        this.busNumber,
        undefined,
        `the i2c-bus package cannot load: ${(e as Error).message}`,
      );
    }
    try {
      return await mod.openPromisified(this.busNumber);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new I2CError(
        failureOf(code),
        this.busNumber,
        undefined,
        `cannot open /dev/i2c-${this.busNumber}: ${code ?? (e as Error).message}`,
      );
    }
  }
}
