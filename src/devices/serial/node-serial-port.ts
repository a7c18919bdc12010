import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import type { MonotonicClock } from '../../clock/time-source.js';
import { hrtimeClock } from '../../clock/time-source.js';
import type { SerialLink, SerialOpenFailure, SerialOpenOptions, SerialPortOpener } from './serial-port.js';
import { SerialLinkError, SerialOpenError } from './serial-port.js';

/**
 * The real serial port: the `serialport` package (termios2 custom baud on Linux, so 31,250
 * works on a PL011 without the midi-uart0 overlay's clock trick), with an exclusive lock.
 */
export class NodeSerialPortOpener implements SerialPortOpener {
  readonly kind = 'serialport';
  constructor(private readonly clock: MonotonicClock = hrtimeClock) {}

  async open(options: SerialOpenOptions): Promise<SerialLink> {
    await precheck(options.path);
    // Loaded on first open, not with the box: the package and its parsers take ~0.1 s to
    // import, which READY need not wait for (and a box without a UART never pays).
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path: options.path,
      baudRate: options.baudRate,
      autoOpen: false,
      lock: true,
      hupcl: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) =>
        error ? reject(new SerialOpenError(options.path, classify(error.message), error.message)) : resolve(),
      );
    });
    return new NodeSerialLink(options.path, port, this.clock);
  }
}

/** ENOENT and EACCES come with codes from fs; the binding only gives message strings. */
async function precheck(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new SerialOpenError(
      path,
      code === 'ENOENT' ? 'missing' : code === 'EACCES' || code === 'EPERM' ? 'permission' : 'other',
      code,
    );
  }
}

/**
 * The binding reports failures only as text; this is the one place that reads it, and it
 * turns it into a typed reason at the seam so nothing past here matches strings.
 */
function classify(message: string): SerialOpenFailure {
  if (/lock/i.test(message)) return 'busy';
  if (/baud/i.test(message)) return 'unsupported-baud';
  if (/no such file/i.test(message)) return 'missing';
  if (/permission/i.test(message)) return 'permission';
  return 'other';
}

class NodeSerialLink implements SerialLink {
  private open = true;
  private readonly closeListeners: ((error: SerialLinkError | undefined) => void)[] = [];
  private failure: SerialLinkError | undefined;

  constructor(
    readonly path: string,
    private readonly port: SerialPort,
    private readonly clock: MonotonicClock,
  ) {
    port.on('error', (error: Error) => {
      this.failure ??= new SerialLinkError(path, error.message);
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (error) this.failure ??= new SerialLinkError(path, error.message);
      this.end();
    });
  }

  get fd(): number | undefined {
    const binding = this.port.port as { fd?: number } | undefined;
    return binding?.fd;
  }

  /**
   * Writes straight to the fd when it can: serialport's own write goes through the libuv
   * thread pool and arrives a variable time later (bench:clock measures it). Falls back to
   * it when the tty buffer is full (EAGAIN) or the write was partial.
   */
  write(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    const fd = this.fd;
    let written = 0;
    if (fd !== undefined) {
      try {
        written = writeSync(fd, bytes);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN') {
          this.failure ??= new SerialLinkError(this.path, `write: ${code ?? String(error)}`);
          void this.close();
          return false;
        }
      }
    }
    if (written < bytes.byteLength)
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset + written, bytes.byteLength - written));
    return true;
  }

  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    this.port.on('data', (chunk: Buffer) => {
      if (this.open) listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), this.clock.nowMs());
    });
  }

  onClose(listener: (error: SerialLinkError | undefined) => void): void {
    this.closeListeners.push(listener);
  }

  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => {
      this.port.close(() => {
        this.end();
        resolve();
      });
    });
  }

  private end(): void {
    if (!this.open) return;
    this.open = false;
    for (const listen of this.closeListeners) listen(this.failure);
  }
}
