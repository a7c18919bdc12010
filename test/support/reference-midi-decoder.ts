import type { MidiDecoderStats } from '../../src/midi/decoder.js';
import type { MidiMessage } from '../../src/midi/message.js';

/**
 * A deliberately simple per-byte MIDI decoder, written independently of `MidiStreamDecoder`
 * and with the same policies: the oracle for differential property tests and the baseline in
 * bench/codec.bench.ts. It collects each message's bytes in a plain array and decodes the
 * array when complete, as most hand-written parsers do. Clarity over speed.
 */
export class ReferenceMidiDecoder {
  readonly stats: MidiDecoderStats = {
    bytes: 0,
    messages: 0,
    strayDataBytes: 0,
    truncatedMessages: 0,
    unterminatedSysex: 0,
    oversizeSysex: 0,
    undefinedStatus: 0,
    strayEndOfExclusive: 0,
  };
  private pending: number[] = [];
  private runningStatus: number | undefined;
  private sysex: number[] | undefined;

  constructor(private readonly maxSysexBytes = 65_536) {}

  decode(chunk: Uint8Array): MidiMessage[] {
    const out: MidiMessage[] = [];
    for (const byte of chunk) {
      this.stats.bytes++;
      const message = this.byte(byte);
      if (message !== undefined) {
        this.stats.messages++;
        out.push(message);
      }
    }
    return out;
  }

  private byte(byte: number): MidiMessage | undefined {
    if (byte >= 0xf8) return this.realTime(byte);
    if (byte >= 0x80) return this.status(byte);
    if (this.sysex !== undefined) {
      this.sysex.push(byte);
      return undefined;
    }
    if (this.pending.length === 0) {
      if (this.runningStatus === undefined) {
        this.stats.strayDataBytes++;
        return undefined;
      }
      this.pending.push(this.runningStatus);
    }
    this.pending.push(byte);
    const first = this.pending[0] ?? 0;
    if (this.pending.length < 1 + dataLength(first)) return undefined;
    const complete = this.pending;
    this.pending = [];
    return fromBytes(complete);
  }

  private realTime(byte: number): MidiMessage | undefined {
    const names = ['clock', undefined, 'start', 'continue', 'stop', undefined, 'activeSensing', 'reset'] as const;
    const type = names[byte - 0xf8];
    if (type === undefined) {
      this.stats.undefinedStatus++;
      return undefined;
    }
    return { type };
  }

  private status(byte: number): MidiMessage | undefined {
    if (this.sysex !== undefined) {
      const data = this.sysex;
      this.sysex = undefined;
      const oversize = data.length > this.maxSysexBytes;
      if (byte === 0xf7) {
        if (!oversize) return { type: 'sysex', data: Uint8Array.from(data) };
        this.stats.oversizeSysex++;
        return undefined;
      }
      if (oversize) this.stats.oversizeSysex++;
      else this.stats.unterminatedSysex++;
    } else if (this.pending.length > 0) {
      this.stats.truncatedMessages++;
    }
    this.pending = [];
    if (byte < 0xf0) {
      this.runningStatus = byte;
      this.pending.push(byte);
      return undefined;
    }
    this.runningStatus = undefined;
    if (byte === 0xf0) this.sysex = [];
    else if (byte === 0xf1 || byte === 0xf2 || byte === 0xf3) this.pending.push(byte);
    else if (byte === 0xf6) return { type: 'tuneRequest' };
    else if (byte === 0xf7) this.stats.strayEndOfExclusive++;
    else this.stats.undefinedStatus++;
    return undefined;
  }
}

function dataLength(status: number): number {
  if (status === 0xf2) return 2;
  if (status === 0xf1 || status === 0xf3) return 1;
  const kind = status & 0xf0;
  return kind === 0xc0 || kind === 0xd0 ? 1 : 2;
}

function fromBytes(bytes: number[]): MidiMessage {
  const [status = 0, a = 0, b = 0] = bytes;
  const channel = status & 0x0f;
  if (status === 0xf1) return { type: 'mtcQuarterFrame', value: a };
  if (status === 0xf2) return { type: 'songPosition', position: a + b * 128 };
  if (status === 0xf3) return { type: 'songSelect', song: a };
  switch (status & 0xf0) {
    case 0x80:
      return { type: 'noteOff', channel, note: a, velocity: b };
    case 0x90:
      return { type: 'noteOn', channel, note: a, velocity: b };
    case 0xa0:
      return { type: 'polyPressure', channel, note: a, pressure: b };
    case 0xb0:
      return { type: 'controlChange', channel, controller: a, value: b };
    case 0xc0:
      return { type: 'programChange', channel, program: a };
    case 0xd0:
      return { type: 'channelPressure', channel, pressure: a };
    default:
      return { type: 'pitchBend', channel, value: a + b * 128 };
  }
}
