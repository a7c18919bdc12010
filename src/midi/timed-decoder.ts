import type { MidiDecoderOptions, MidiDecoderStats } from './decoder.js';
import { MidiStreamDecoder } from './decoder.js';
import type { MidiMessage, TimedMidiMessage } from './message.js';

/** Time one byte takes on a 5-pin DIN cable: 10 bits at 31 250 baud. */
export const dinByteDurationMs = 0.32;

export interface TimedMidiDecoderOptions extends MidiDecoderOptions {
  /**
   * Back-dates each message by this much per byte that followed it in its chunk, because a
   * chunk's receive time is when its last byte landed. Use `dinByteDurationMs` for a UART;
   * leave 0 (the default) where the backend already timestamps each message (ALSA).
   */
  readonly byteDurationMs?: number;
}

/**
 * Decodes chunks that carry their receive time (as `MidiInputHandle.onData` gives them) into
 * `TimedMidiMessage`s. A message split across chunks takes the time of the chunk that
 * completed it: that is when it became playable.
 */
export class TimedMidiDecoder {
  readonly decoder: MidiStreamDecoder;
  private readonly byteDurationMs: number;
  // Per-chunk context for the listener, kept in fields so feeding allocates no closure.
  private chunkTimeMs = 0;
  private chunkLastIndex = 0;
  private sink: (timed: TimedMidiMessage) => void = () => undefined;
  private readonly onMessage = (message: MidiMessage, endIndex: number): void => {
    const timeMs = this.chunkTimeMs - (this.chunkLastIndex - endIndex) * this.byteDurationMs;
    this.sink({ timeMs, message });
  };

  constructor(options: TimedMidiDecoderOptions = {}) {
    const byteDurationMs = options.byteDurationMs ?? 0;
    if (!Number.isFinite(byteDurationMs) || byteDurationMs < 0) {
      throw new RangeError(
        `TimedMidiDecoder: byteDurationMs must be a finite number >= 0, got ${String(byteDurationMs)}`,
      );
    }
    this.byteDurationMs = byteDurationMs;
    this.decoder = new MidiStreamDecoder(options);
  }

  get stats(): Readonly<MidiDecoderStats> {
    return this.decoder.stats;
  }

  /** Decodes `chunk`, received at `receivedAtMs` (monotonic ms), calling `onTimed` per message. */
  feed(chunk: Uint8Array, receivedAtMs: number, onTimed: (timed: TimedMidiMessage) => void): void {
    this.chunkTimeMs = receivedAtMs;
    this.chunkLastIndex = chunk.length - 1;
    this.sink = onTimed;
    this.decoder.feed(chunk, this.onMessage);
  }

  decode(chunk: Uint8Array, receivedAtMs: number): TimedMidiMessage[] {
    const out: TimedMidiMessage[] = [];
    this.feed(chunk, receivedAtMs, (timed) => out.push(timed));
    return out;
  }
}
