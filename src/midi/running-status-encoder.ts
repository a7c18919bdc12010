import { encodeInto, encodedLength } from './encoder.js';
import type { MidiMessage } from './message.js';

export interface RunningStatusEncoderOptions {
  /**
   * Send `noteOff` as `noteOn` velocity 0 so note-offs share running status with note-ons
   * (a drum stream then needs 2 bytes per hit or release instead of 3). The release velocity
   * is lost, so this is opt-in. Default false.
   */
  readonly noteOffAsZeroVelocityNoteOn?: boolean;
  /**
   * Re-send the status byte after this many consecutive messages relied on it, so a
   * receiver plugged in mid-stream (or one that lost a byte) locks on within a beat or so
   * instead of never. 0 disables the refresh. Default 16.
   */
  readonly refreshStatusAfter?: number;
}

/**
 * Stateful encoder for one DIN output: omits a channel message's status byte when it equals
 * the last one sent (MIDI 1.0 running status), which matters on a 31 250 baud wire where
 * each byte costs 0.32 ms. Real-time messages are sent as-is and keep running status;
 * sysex and system common messages cancel it, as receivers expect. Validates like
 * `encodeMessage` and throws `InvalidMidiField` on a bad field.
 *
 * Everything this encoder emits must reach the wire in order: if bytes are dropped or the
 * port reopened, call `forgetRunningStatus()`.
 */
export class RunningStatusEncoder {
  private runningStatus = 0;
  private repeats = 0;
  private saved = 0;
  private readonly convertNoteOff: boolean;
  private readonly refreshAfter: number;
  private readonly scratch = new Uint8Array(3);

  constructor(options: RunningStatusEncoderOptions = {}) {
    const refreshAfter = options.refreshStatusAfter ?? 16;
    if (!Number.isInteger(refreshAfter) || refreshAfter < 0) {
      throw new RangeError(
        `RunningStatusEncoder: refreshStatusAfter must be a non-negative integer, got ${String(refreshAfter)}`,
      );
    }
    this.refreshAfter = refreshAfter;
    this.convertNoteOff = options.noteOffAsZeroVelocityNoteOn ?? false;
  }

  /** Status bytes omitted so far. */
  get bytesSaved(): number {
    return this.saved;
  }

  /** The next channel message will carry its status byte. */
  forgetRunningStatus(): void {
    this.runningStatus = 0;
    this.repeats = 0;
  }

  /** Encodes one message for the wire. */
  encode(message: MidiMessage): Uint8Array {
    const source = this.prepare(message);
    const full = encodedLength(source);
    if (full > 3) return this.encodeLong(source, full);
    const scratch = this.scratch;
    encodeInto(source, scratch, 0);
    const skip = this.track(scratch[0] as number) ? 1 : 0;
    return scratch.slice(skip, full);
  }

  /** Encodes messages back to back into one buffer. */
  encodeAll(messages: Iterable<MidiMessage>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const message of messages) {
      const part = this.encode(message);
      parts.push(part);
      total += part.length;
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  }

  private prepare(message: MidiMessage): MidiMessage {
    if (this.convertNoteOff && message.type === 'noteOff') {
      return { type: 'noteOn', channel: message.channel, note: message.note, velocity: 0 };
    }
    return message;
  }

  /** Only sysex is longer than 3 bytes; it cancels running status. */
  private encodeLong(message: MidiMessage, length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    encodeInto(message, bytes, 0);
    this.forgetRunningStatus();
    return bytes;
  }

  /** Updates running status for a message starting with `status`; true if it may be omitted. */
  private track(status: number): boolean {
    if (status >= 0xf8) return false;
    if (status >= 0xf0) {
      this.forgetRunningStatus();
      return false;
    }
    const refreshDue = this.refreshAfter > 0 && this.repeats >= this.refreshAfter;
    if (status === this.runningStatus && !refreshDue) {
      this.repeats++;
      this.saved++;
      return true;
    }
    this.runningStatus = status;
    this.repeats = 0;
    return false;
  }
}
