import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { waitFor } from './wait.js';

/** Which directions to open; a port that exists only one way needs a one-way open. */
export type RawMidiMode = 'rw' | 'read' | 'write';

const FLAGS: Record<RawMidiMode, number> = {
  rw: constants.O_RDWR,
  read: constants.O_RDONLY,
  write: constants.O_WRONLY,
};

/**
 * A kernel raw MIDI device (/dev/snd/midiC*D*), opened non-blocking so reads never tie up
 * libuv's thread pool. Each open takes the first free substream of the device, so opening the
 * same node N times in order yields substreams 0..N-1 (ports 1..N).
 */
export class RawMidiDevice {
  readonly #fd: number;
  #received: number[] = [];
  #closed = false;

  private constructor(
    readonly path: string,
    readonly mode: RawMidiMode,
  ) {
    this.#fd = openSync(path, FLAGS[mode] | constants.O_NONBLOCK);
    // The kernel only starts buffering input after the first read() on a rawmidi file;
    // bytes that arrive before it are dropped.
    if (mode !== 'write') this.#drain();
  }

  /** Opens `path`; the returned device already buffers input. */
  static open(path: string, mode: RawMidiMode = 'rw'): RawMidiDevice {
    return new RawMidiDevice(path, mode);
  }

  /** Writes all bytes (raw MIDI, no framing). */
  write(bytes: readonly number[] | Uint8Array): void {
    const buf = Buffer.from(bytes);
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
  }

  /** Returns and forgets every byte received so far. */
  take(): number[] {
    this.#drain();
    const out = this.#received;
    this.#received = [];
    return out;
  }

  /** Waits until at least `count` bytes have arrived, then returns and forgets them all. */
  async readBytes(count: number, timeoutMs = 5_000): Promise<number[]> {
    await waitFor(() => (this.#drain(), this.#received.length >= count), {
      what: `${count} bytes on ${this.path} (have ${this.#received.length})`,
      timeoutMs,
      intervalMs: 5,
    });
    return this.take();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #drain(): void {
    const buf = Buffer.alloc(1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#fd, buf, 0, buf.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return;
        throw error;
      }
      if (n <= 0) return;
      this.#received.push(...buf.subarray(0, n));
    }
  }
}
