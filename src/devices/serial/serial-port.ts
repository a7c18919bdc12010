/**
 * The serial (DIN MIDI UART) seam. Real: `NodeSerialPortOpener` over the `serialport`
 * package. Simulator: `SimulatedSerialBus`. `test/contract/serial-port.contract.ts` holds
 * both to this contract:
 *
 * - `open` resolves with a link, or rejects with `SerialOpenError` whose `reason` says why:
 *   `missing` (no such device: UART not enabled, USB adapter absent), `busy` (another
 *   program holds it: every open takes an exclusive lock, so a second open of the same path
 *   fails), `permission`, `unsupported-baud` (the driver refused 31,250 as a custom rate),
 *   `other`.
 * - The line is raw and 8-bit clean: bytes written reach the other end unmodified and in
 *   order (no CR/LF translation, no echo, no flow control).
 * - Incoming bytes are delivered in order, in chunks of any size, each chunk with the
 *   monotonic time (ms) it was read. Chunks may split MIDI messages: decode with the codec.
 * - An unplugged cable is silence, not an error (the UART cannot tell). A device that goes
 *   away (USB adapter pulled, I/O error) fires `onClose` with a `SerialLinkError` exactly once,
 *   at the latest when the next write fails (Linux reports a vanished tty on I/O, and the
 *   clock writes every few ms); `close()` fires it once with no error. After that `write`
 *   returns false and nothing is read.
 * - `close()` is idempotent and never rejects.
 */
export interface SerialOpenOptions {
  readonly path: string;
  readonly baudRate: number;
}

export interface SerialLink {
  readonly path: string;
  /**
   * The OS file descriptor, where there is one: a clock thread may write single real-time
   * bytes to it directly (see bench/clock.bench.ts). Undefined for the simulator.
   */
  readonly fd: number | undefined;
  /** Queues bytes for the wire; false once the link is closed. */
  write(bytes: Uint8Array): boolean;
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void;
  onClose(listener: (error: SerialLinkError | undefined) => void): void;
  close(): Promise<void>;
}

export interface SerialPortOpener {
  /** Human-readable name for logs: "serialport" or "simulator". */
  readonly kind: string;
  open(options: SerialOpenOptions): Promise<SerialLink>;
}

export type SerialOpenFailure = 'missing' | 'busy' | 'permission' | 'unsupported-baud' | 'other';

/** Opening a serial device failed; `reason` is what the box can act on, `path` names the place. */
export class SerialOpenError extends Error {
  override readonly name = 'SerialOpenError';
  constructor(
    readonly path: string,
    readonly reason: SerialOpenFailure,
    detail: string,
  ) {
    super(`serial ${path}: ${describeFailure(reason)} (${detail})`);
  }
}

/** An open link failed (device removed, I/O error). */
export class SerialLinkError extends Error {
  override readonly name = 'SerialLinkError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`serial ${path} failed: ${detail}`);
  }
}

function describeFailure(reason: SerialOpenFailure): string {
  switch (reason) {
    case 'missing':
      return 'no such device (is the UART enabled? see hardware/din-midi.md)';
    case 'busy':
      return 'held by another program (a serial console or getty on the UART?)';
    case 'permission':
      return 'permission denied (add the user to the dialout group)';
    case 'unsupported-baud':
      return 'the driver refused the baud rate';
    case 'other':
      return 'could not open';
  }
}
