import { createRequire } from 'node:module';
import { I2CError, failureOf, type I2CBus } from './i2c-bus.js';

/** The part of i2c-bus's promise API used here (the package ships no types). */
interface PromisifiedBus {
  readByte(address: number, command: number): Promise<number>;
  writeByte(address: number, command: number, byte: number): Promise<void>;
  readWord(address: number, command: number): Promise<number>;
  writeWord(address: number, command: number, word: number): Promise<void>;
}
/** i2c-bus's Bus: it opens /dev/i2c-N once per chip address on first use; closeSync closes them all. */
interface RawBus {
  promisifiedBus(): PromisifiedBus;
  closeSync(): void;
}
interface I2cBusModule {
  openSync(busNumber: number): RawBus;
}

let i2cBusModule: I2cBusModule | string | undefined;
function loadI2cBus(): I2cBusModule | string {
  try {
    i2cBusModule ??= createRequire(import.meta.url)('i2c-bus') as I2cBusModule;
  } catch (e) {
    i2cBusModule = (e as Error).message;
  }
  return i2cBusModule;
}

/**
 * /dev/i2c-N through the `i2c-bus` package, held open only while a burst runs.
 *
 * Why not keep it open: an open /dev/i2c-N pins its adapter. `rmmod` of the adapter's driver
 * fails with EBUSY, and removing an adapter (a USB-I2C bridge unplugged, an overlay removed)
 * waits in the kernel until every user closes it. So each burst (a pot poll pass, one LED
 * write) opens the device, runs its transfers and closes it again; the next burst opens
 * whatever adapter is there now, so a bus that went away and came back just works. The cost
 * is an open, an I2C_SLAVE ioctl and a close per burst and chip: microseconds beside the
 * transfers themselves (each SMBus word is ~0.3 ms at 100 kHz).
 *
 * Transfers run one at a time: the adapter serialises them anyway, and i2c-bus opens a chip's
 * file on its first call without a lock, so two concurrent first calls would leak a
 * descriptor (and with it the adapter).
 */
export class NodeI2CBus implements I2CBus {
  readonly kind = 'i2c-bus';
  #bus: RawBus | undefined;
  #holders = 0;
  #closed = false;
  #tail: Promise<unknown> = Promise.resolve();
  /** How often the device was opened (one per burst that did a transfer). */
  opens = 0;

  constructor(readonly busNumber: number) {}

  /** Whether /dev/i2c-N is open now (only inside a burst). */
  get held(): boolean {
    return this.#bus !== undefined;
  }

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

  async burst<T>(fn: () => Promise<T>): Promise<T> {
    this.#holders++;
    try {
      return await fn();
    } finally {
      if (--this.#holders === 0) this.#release();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    if (this.#holders === 0) this.#release();
  }

  #call<T>(address: number, what: string, fn: (bus: PromisifiedBus) => Promise<T>): Promise<T> {
    return this.burst(() =>
      this.#serial(async () => {
        if (this.#closed) throw new I2CError('closed', this.busNumber, address, 'bus closed');
        const bus = this.#acquire(address);
        try {
          return await fn(bus.promisifiedBus());
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          const detail = code === 'ENOENT' ? `no /dev/i2c-${this.busNumber} (adapter absent or removed)` : code;
          throw new I2CError(failureOf(code), this.busNumber, address, `${what}: ${detail ?? (e as Error).message}`);
        }
      }),
    );
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(job, job);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #acquire(address: number): RawBus {
    if (this.#bus) return this.#bus;
    const mod = loadI2cBus();
    if (typeof mod === 'string')
      throw new I2CError('other', this.busNumber, address, `the i2c-bus package cannot load: ${mod}`);
    // openSync only records the bus number: the file opens on the first transfer, asynchronously.
    this.#bus = mod.openSync(this.busNumber);
    this.opens++;
    return this.#bus;
  }

  #release(): void {
    const bus = this.#bus;
    this.#bus = undefined;
    try {
      bus?.closeSync();
    } catch {
      // a descriptor of a vanished adapter may fail to close; it is released either way
    }
  }
}
