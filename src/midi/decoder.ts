import type { MidiMessage } from './message.js';
import { channelMessage, realTimeMessages, systemCommonMessage, tuneRequestMessage } from './message-builders.js';
import { channelDataLength } from './status-bytes.js';

/** What the decoder dropped, by kind, since construction or `resetStats()`. Never thrown. */
export interface MidiDecoderStats {
  /** Bytes fed in. */
  bytes: number;
  /** Messages delivered. */
  messages: number;
  /** Data bytes with no status to belong to (no running status, or after F4/F5/F7). */
  strayDataBytes: number;
  /** Channel or system-common messages cut short by a non-real-time status byte. */
  truncatedMessages: number;
  /** Sysex cut short by a status byte other than F7 (or real-time), e.g. a cable pulled mid-dump. */
  unterminatedSysex: number;
  /** Sysex longer than `maxSysexBytes`; dropped whole. */
  oversizeSysex: number;
  /** F4, F5, F9, FD: undefined in MIDI 1.0, ignored. */
  undefinedStatus: number;
  /** F7 with no sysex open. */
  strayEndOfExclusive: number;
}

export interface MidiDecoderOptions {
  /** Largest sysex payload (without F0/F7) delivered; longer ones are dropped. Default 65536. */
  readonly maxSysexBytes?: number;
}

/** Receives each decoded message and the index, within the fed chunk, of its last byte. */
export type MidiMessageListener = (message: MidiMessage, endIndex: number) => void;

const defaultMaxSysexBytes = 65_536;
const initialSysexCapacity = 256;

/**
 * Streaming MIDI 1.0 byte decoder: one per input port, fed chunks as they arrive. Chunks may
 * split messages anywhere. Handles running status; real-time bytes (F8..FF) anywhere, even
 * inside sysex or between a status and its data, without disturbing the message around them;
 * sysex across chunks up to a size limit; system common messages (which cancel running
 * status). Malformed input is dropped and counted in `stats`; `feed` never throws on bytes.
 *
 * Note-on with velocity 0 is delivered as `noteOn` velocity 0, exactly as on the wire, so
 * decode and encode round-trip byte for byte. Consumers must treat it as a note-off
 * (see `endsNote`).
 *
 * Sysex cut short by another status byte is dropped (MIDI 1.0 allows that as an implicit
 * end, but on a live cable it almost always means lost bytes; a half Push 2 command is worse
 * than none).
 *
 * Allocates nothing per byte: only the message objects it delivers (real-time ones are
 * shared frozen instances) and sysex buffers as they grow.
 */
export class MidiStreamDecoder {
  private readonly maxSysexBytes: number;
  private readonly counters: MidiDecoderStats = emptyStats();
  /** Status of the message being assembled, or the running status; 0 when none. */
  private status = 0;
  /** Data bytes still expected for the current status (set when the status arrives). */
  private needed = 0;
  /** Data bytes received so far for the current message. */
  private count = 0;
  private data1 = 0;
  /** A status byte or first data byte arrived and the message is not complete yet. */
  private inProgress = false;
  private inSysex = false;
  private sysexOverflow = false;
  private sysexLength = 0;
  private sysexBuffer: Uint8Array;

  constructor(options: MidiDecoderOptions = {}) {
    const max = options.maxSysexBytes ?? defaultMaxSysexBytes;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`MidiStreamDecoder: maxSysexBytes must be a non-negative integer, got ${String(max)}`);
    }
    this.maxSysexBytes = max;
    this.sysexBuffer = new Uint8Array(Math.min(initialSysexCapacity, max));
  }

  /** Live counters; read-only to callers. */
  get stats(): Readonly<MidiDecoderStats> {
    return this.counters;
  }

  resetStats(): void {
    Object.assign(this.counters, emptyStats());
  }

  /** Forgets any partial message and running status, e.g. when a port is reopened. */
  reset(): void {
    this.status = 0;
    this.needed = 0;
    this.count = 0;
    this.inProgress = false;
    this.inSysex = false;
    this.sysexOverflow = false;
    this.sysexLength = 0;
  }

  /**
   * Decodes `chunk`, calling `onMessage` for each complete message in order. Not re-entrant.
   * If `onMessage` throws, the error propagates and the rest of that chunk is not decoded;
   * the decoder itself stays consistent for the next chunk.
   */
  feed(chunk: Uint8Array, onMessage: MidiMessageListener): void {
    const stats = this.counters;
    stats.bytes += chunk.length;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i] as number;
      if (byte >= 0xf8) {
        const message = realTimeMessages[byte - 0xf8];
        if (message === undefined) {
          stats.undefinedStatus++;
        } else {
          stats.messages++;
          onMessage(message, i);
        }
      } else if (byte < 0x80) {
        this.dataByte(byte, i, onMessage);
      } else {
        this.statusByte(byte, i, onMessage);
      }
    }
  }

  /** Convenience for tests and tools: decodes a chunk into an array. */
  decode(chunk: Uint8Array): MidiMessage[] {
    const out: MidiMessage[] = [];
    this.feed(chunk, (message) => out.push(message));
    return out;
  }

  private dataByte(byte: number, index: number, onMessage: MidiMessageListener): void {
    if (this.inSysex) {
      this.sysexByte(byte);
      return;
    }
    const status = this.status;
    if (status === 0) {
      this.counters.strayDataBytes++;
      return;
    }
    if (this.count + 1 < this.needed) {
      this.data1 = byte;
      this.count = 1;
      this.inProgress = true;
      return;
    }
    const data1 = this.needed === 1 ? byte : this.data1;
    this.count = 0;
    this.inProgress = false;
    let message: MidiMessage;
    if (status < 0xf0) {
      message = channelMessage(status, data1, byte);
    } else {
      // System common messages cancel running status.
      this.status = 0;
      message = systemCommonMessage(status, data1, byte);
    }
    this.counters.messages++;
    onMessage(message, index);
  }

  private statusByte(byte: number, index: number, onMessage: MidiMessageListener): void {
    const stats = this.counters;
    if (this.inSysex) {
      this.inSysex = false;
      if (byte === 0xf7) {
        this.endSysex(index, onMessage);
        return;
      }
      if (this.sysexOverflow) stats.oversizeSysex++;
      else stats.unterminatedSysex++;
    } else if (this.inProgress) {
      stats.truncatedMessages++;
    }
    this.count = 0;
    this.inProgress = false;
    if (byte < 0xf0) {
      this.status = byte;
      this.inProgress = true;
      this.needed = channelDataLength[(byte >> 4) - 8] as number;
      return;
    }
    this.status = 0;
    switch (byte) {
      case 0xf0:
        this.inSysex = true;
        this.sysexOverflow = false;
        this.sysexLength = 0;
        return;
      case 0xf1:
      case 0xf3:
        this.status = byte;
        this.needed = 1;
        this.inProgress = true;
        return;
      case 0xf2:
        this.status = byte;
        this.needed = 2;
        this.inProgress = true;
        return;
      case 0xf6:
        stats.messages++;
        onMessage(tuneRequestMessage, index);
        return;
      case 0xf7:
        stats.strayEndOfExclusive++;
        return;
      default:
        // F4, F5: undefined. Their data bytes (if any) will count as stray.
        stats.undefinedStatus++;
    }
  }

  private sysexByte(byte: number): void {
    const length = this.sysexLength;
    if (length >= this.maxSysexBytes) {
      this.sysexOverflow = true;
      return;
    }
    if (length === this.sysexBuffer.length) {
      const grown = new Uint8Array(Math.min(this.maxSysexBytes, Math.max(16, length * 2)));
      grown.set(this.sysexBuffer);
      this.sysexBuffer = grown;
    }
    this.sysexBuffer[length] = byte;
    this.sysexLength = length + 1;
  }

  private endSysex(index: number, onMessage: MidiMessageListener): void {
    this.status = 0;
    if (this.sysexOverflow) {
      this.counters.oversizeSysex++;
      return;
    }
    const data = this.sysexBuffer.slice(0, this.sysexLength);
    this.counters.messages++;
    onMessage({ type: 'sysex', data }, index);
  }
}

function emptyStats(): MidiDecoderStats {
  return {
    bytes: 0,
    messages: 0,
    strayDataBytes: 0,
    truncatedMessages: 0,
    unterminatedSysex: 0,
    oversizeSysex: 0,
    undefinedStatus: 0,
    strayEndOfExclusive: 0,
  };
}
