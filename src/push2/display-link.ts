import { FRAME_BYTES, FRAME_HEADER } from './frame.js';

/**
 * Push 2's display connection (the "USB bulk" seam): one frame at a time, the header then
 * the 327,680 pixel bytes on bulk endpoint 0x01 of interface 0.
 *
 * Contract: `send` resolves once the frame is written and rejects with DisplayLinkError
 * when it could not be (the device went away, a timeout); after a rejection the link is
 * dead and is closed and opened again by its user. Frames are never sent concurrently.
 */
export interface DisplayLink {
  send(frame: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Finds and opens the display; resolves undefined when no Push 2 is on the bus. */
export interface DisplayOpener {
  open(): Promise<DisplayLink | undefined>;
}

/** A display transfer that failed: typed, so callers never match on messages. */
export class DisplayLinkError extends Error {
  override readonly name = 'DisplayLinkError';
}

const checkFrame = (frame: Uint8Array): void => {
  if (frame.length !== FRAME_BYTES)
    throw new DisplayLinkError(`a display frame is ${FRAME_BYTES} bytes, got ${frame.length}`);
};

/**
 * The simulator: records what would have gone over USB (header and frame, as bytes), and
 * fails on demand like an unplugged device does. It enforces the contract: no concurrent
 * sends, no sends after close, frames of the right size.
 */
export class RecordingDisplayLink implements DisplayLink {
  readonly transfers: Uint8Array[] = [];
  #busy = false;
  #closed = false;
  /** Sends that will fail next (an unplug, a stall). */
  failNext = 0;

  get frames(): Uint8Array[] {
    return this.transfers.filter((_, i) => i % 2 === 1);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(frame: Uint8Array): Promise<void> {
    if (this.#closed) throw new DisplayLinkError('display link is closed');
    if (this.#busy) throw new DisplayLinkError('a frame is already being sent');
    checkFrame(frame);
    this.#busy = true;
    try {
      await Promise.resolve();
      if (this.failNext > 0) {
        this.failNext--;
        throw new DisplayLinkError('simulated transfer failure');
      }
      this.transfers.push(FRAME_HEADER.slice(), frame.slice());
    } finally {
      this.#busy = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.resolve();
  }
}

/** Opens recording links: `present` says whether a display is on the bus; every link opened is kept. */
export class RecordingDisplayOpener implements DisplayOpener {
  present = true;
  readonly links: RecordingDisplayLink[] = [];
  opens = 0;

  async open(): Promise<DisplayLink | undefined> {
    this.opens++;
    await Promise.resolve();
    if (!this.present) return undefined;
    const link = new RecordingDisplayLink();
    this.links.push(link);
    return link;
  }

  /** The link opened last. */
  get current(): RecordingDisplayLink | undefined {
    return this.links[this.links.length - 1];
  }
}

export { checkFrame };
