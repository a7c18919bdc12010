/**
 * The I2C seam. Real: `NodeI2CBus` over the `i2c-bus` package (/dev/i2c-N). Simulator:
 * `SimI2CBus` with register-file chips. `test/contract/i2c-bus.contract.ts` holds both to this:
 *
 * - Byte calls move one register; word calls are SMBus words: two bytes, the first one on the
 *   wire in the low half (little-endian). Chips with big-endian 16-bit registers (ADS1115)
 *   therefore need their words swapped: see `swap16`.
 * - A chip that does not answer (absent, unplugged, wrong address) rejects with `I2CError`
 *   reason `no-answer`; a bus that does not exist with `no-bus`. Nothing is retried here:
 *   the chip drivers decide (see `ChipLink`).
 * - Nothing holds the adapter between calls: `burst(fn)` holds it across the calls `fn` makes
 *   (one open for a poll pass), and releases it when `fn` settles. So an adapter can go away
 *   (rmmod, a USB bridge unplugged) between bursts; calls then reject with `no-bus`, and work
 *   again once it is back, on the same object.
 * - `close()` is idempotent; calls after it reject with reason `closed`.
 */
export interface I2CBus {
  readonly kind: string;
  readonly busNumber: number;
  readByte(address: number, register: number): Promise<number>;
  writeByte(address: number, register: number, value: number): Promise<void>;
  readWord(address: number, register: number): Promise<number>;
  writeWord(address: number, register: number, value: number): Promise<void>;
  /** Runs `fn` with the adapter held across its calls; bursts may nest and overlap. */
  burst<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type I2CFailure = 'no-answer' | 'no-bus' | 'closed' | 'other';

/** An I2C transfer failed; `reason` is what a driver acts on, the message names bus, address and register. */
export class I2CError extends Error {
  override readonly name = 'I2CError';
  constructor(
    readonly reason: I2CFailure,
    readonly busNumber: number,
    readonly address: number | undefined,
    detail: string,
  ) {
    super(
      `/dev/i2c-${busNumber}${address === undefined ? '' : ` 0x${address.toString(16).padStart(2, '0')}`}: ${detail}`,
    );
  }
}

/** A 16-bit value with its bytes swapped: between SMBus words and big-endian chip registers. */
export const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

/** The reason behind an errno from the i2c-dev driver. */
export function failureOf(code: string | undefined): I2CFailure {
  // An absent chip NAKs its address: ENXIO on most adapters, EREMOTEIO on the Pi's, EIO on
  // some, ENODEV on i2c-stub (the hw-sim VM's). A missing adapter is a missing /dev/i2c-N.
  if (
    code === 'ENXIO' ||
    code === 'EREMOTEIO' ||
    code === 'EIO' ||
    code === 'ETIMEDOUT' ||
    code === 'EAGAIN' ||
    code === 'ENODEV'
  )
    return 'no-answer';
  if (code === 'ENOENT') return 'no-bus';
  return 'other';
}
