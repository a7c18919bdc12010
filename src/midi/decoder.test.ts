import { describe, expect, it } from 'vitest';
import { MidiStreamDecoder } from './decoder.js';
import type { MidiMessage } from './message.js';
import { endsNote } from './note-end.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const noteOn = (note: number, velocity: number, channel = 9): MidiMessage => ({
  type: 'noteOn',
  channel,
  note,
  velocity,
});

function decodeAll(
  chunks: Uint8Array[],
  options?: { maxSysexBytes?: number },
): { out: MidiMessage[]; decoder: MidiStreamDecoder } {
  const decoder = new MidiStreamDecoder(options);
  const out = chunks.flatMap((chunk) => decoder.decode(chunk));
  return { out, decoder };
}

describe('MidiStreamDecoder channel messages', () => {
  it('decodes every channel-voice kind', () => {
    const { out } = decodeAll([
      bytes(
        0x89,
        36,
        64,
        0x99,
        36,
        100,
        0xa0,
        60,
        30,
        0xb1,
        7,
        100,
        0xc2,
        5,
        0xd3,
        40,
        0xe4,
        0x00,
        0x40,
        0xef,
        0x7f,
        0x7f,
      ),
    ]);
    expect(out).toEqual([
      { type: 'noteOff', channel: 9, note: 36, velocity: 64 },
      noteOn(36, 100),
      { type: 'polyPressure', channel: 0, note: 60, pressure: 30 },
      { type: 'controlChange', channel: 1, controller: 7, value: 100 },
      { type: 'programChange', channel: 2, program: 5 },
      { type: 'channelPressure', channel: 3, pressure: 40 },
      { type: 'pitchBend', channel: 4, value: 8192 },
      { type: 'pitchBend', channel: 15, value: 16383 },
    ]);
  });

  it('applies running status, including for one-data-byte kinds', () => {
    const { out } = decodeAll([bytes(0x99, 36, 100, 38, 90, 36, 0, 0xc0, 1, 2)]);
    expect(out).toEqual([
      noteOn(36, 100),
      noteOn(38, 90),
      noteOn(36, 0),
      { type: 'programChange', channel: 0, program: 1 },
      { type: 'programChange', channel: 0, program: 2 },
    ]);
  });

  it('keeps note-on velocity 0 as noteOn, which endsNote treats as a note-off', () => {
    const [message] = decodeAll([bytes(0x99, 36, 0)]).out;
    expect(message).toEqual(noteOn(36, 0));
    expect(message !== undefined && endsNote(message)).toBe(true);
  });

  it("reports the index of each message's last byte within the chunk", () => {
    const ends: number[] = [];
    new MidiStreamDecoder().feed(bytes(0xf8, 0x99, 36, 100, 38, 90), (_m, end) => ends.push(end));
    expect(ends).toEqual([0, 3, 5]);
  });
});

describe('MidiStreamDecoder real-time bytes', () => {
  it('passes real-time bytes through between status and data without breaking the message', () => {
    const { out, decoder } = decodeAll([bytes(0x99, 0xf8, 36, 0xfe, 100, 38, 0xfa, 90)]);
    expect(out).toEqual([
      { type: 'clock' },
      { type: 'activeSensing' },
      noteOn(36, 100),
      { type: 'start' },
      noteOn(38, 90),
    ]);
    expect(decoder.stats.truncatedMessages).toBe(0);
  });

  it('passes real-time bytes through inside sysex', () => {
    const { out } = decodeAll([bytes(0xf0, 1, 0xf8, 2, 0xfc, 0xf7)]);
    expect(out).toEqual([{ type: 'clock' }, { type: 'stop' }, { type: 'sysex', data: bytes(1, 2) }]);
  });

  it('decodes all six real-time messages, reset included, without touching running status', () => {
    const { out } = decodeAll([bytes(0x99, 36, 100, 0xf8, 0xfa, 0xfb, 0xfc, 0xfe, 0xff, 38, 90)]);
    expect(out.map((m) => m.type)).toEqual([
      'noteOn',
      'clock',
      'start',
      'continue',
      'stop',
      'activeSensing',
      'reset',
      'noteOn',
    ]);
  });

  it('drops and counts the undefined F9 and FD, even mid-message', () => {
    const { out, decoder } = decodeAll([bytes(0x99, 36, 0xf9, 100, 0xfd)]);
    expect(out).toEqual([noteOn(36, 100)]);
    expect(decoder.stats.undefinedStatus).toBe(2);
  });
});

describe('MidiStreamDecoder sysex', () => {
  it('assembles sysex split across chunks and returns its own copy of the data', () => {
    const decoder = new MidiStreamDecoder();
    expect(decoder.decode(bytes(0xf0, 0x00, 0x21))).toEqual([]);
    expect(decoder.decode(bytes(0x1d))).toEqual([]);
    const [first] = decoder.decode(bytes(0x01, 0xf7));
    const [second] = decoder.decode(bytes(0xf0, 0x7f, 0x7f, 0xf7));
    expect(first).toEqual({ type: 'sysex', data: bytes(0x00, 0x21, 0x1d, 0x01) });
    expect(second).toEqual({ type: 'sysex', data: bytes(0x7f, 0x7f) });
  });

  it('delivers sysex of exactly maxSysexBytes, and drops and counts a longer one, then resyncs', () => {
    const { out, decoder } = decodeAll([bytes(0xf0, 1, 2, 3, 0xf7, 0xf0, 1, 2), bytes(3, 4, 5, 0xf7, 0x99, 36, 100)], {
      maxSysexBytes: 3,
    });
    expect(out).toEqual([{ type: 'sysex', data: bytes(1, 2, 3) }, noteOn(36, 100)]);
    expect(decoder.stats.oversizeSysex).toBe(1);
    expect(decoder.stats.strayDataBytes).toBe(0);
  });

  it('counts an oversize sysex cut off by a status byte as oversize, and decodes that status', () => {
    const { out, decoder } = decodeAll([bytes(0xf0, 1, 2, 3, 4, 0x99, 36, 100)], { maxSysexBytes: 2 });
    expect(out).toEqual([noteOn(36, 100)]);
    expect(decoder.stats).toMatchObject({ oversizeSysex: 1, unterminatedSysex: 0 });
  });

  it('grows its buffer for long sysex', () => {
    const payload = Array.from({ length: 5000 }, (_, i) => i % 128);
    const { out } = decodeAll([bytes(0xf0, ...payload.slice(0, 2500)), bytes(...payload.slice(2500), 0xf7)]);
    expect(out).toEqual([{ type: 'sysex', data: Uint8Array.from(payload) }]);
  });

  it('drops and counts a sysex interrupted by another status byte, and decodes that message', () => {
    const { out, decoder } = decodeAll([bytes(0xf0, 0x00, 0x21, 0x99, 36, 100)]);
    expect(out).toEqual([noteOn(36, 100)]);
    expect(decoder.stats.unterminatedSysex).toBe(1);
  });

  it('with maxSysexBytes 0 delivers only empty sysex', () => {
    const { out, decoder } = decodeAll([bytes(0xf0, 0xf7, 0xf0, 1, 0xf7)], { maxSysexBytes: 0 });
    expect(out).toEqual([{ type: 'sysex', data: bytes() }]);
    expect(decoder.stats.oversizeSysex).toBe(1);
  });

  it('counts an F7 with no sysex open', () => {
    const { out, decoder } = decodeAll([bytes(0xf7, 0x99, 36, 100)]);
    expect(out).toEqual([noteOn(36, 100)]);
    expect(decoder.stats.strayEndOfExclusive).toBe(1);
  });
});

describe('MidiStreamDecoder system common', () => {
  it('decodes MTC quarter frame, song position, song select and tune request', () => {
    const { out } = decodeAll([bytes(0xf1, 0x35, 0xf2, 0x10, 0x02, 0xf3, 5, 0xf6)]);
    expect(out).toEqual([
      { type: 'mtcQuarterFrame', value: 0x35 },
      { type: 'songPosition', position: 0x10 + 2 * 128 },
      { type: 'songSelect', song: 5 },
      { type: 'tuneRequest' },
    ]);
  });

  it('cancels running status: data bytes after a system common message are stray', () => {
    const { out, decoder } = decodeAll([bytes(0x99, 36, 100, 0xf3, 1, 38, 90, 0xf6, 40)]);
    expect(out).toEqual([noteOn(36, 100), { type: 'songSelect', song: 1 }, { type: 'tuneRequest' }]);
    expect(decoder.stats.strayDataBytes).toBe(3);
  });

  it('does not apply running status to system common messages', () => {
    const { out, decoder } = decodeAll([bytes(0xf1, 1, 2)]);
    expect(out).toEqual([{ type: 'mtcQuarterFrame', value: 1 }]);
    expect(decoder.stats.strayDataBytes).toBe(1);
  });

  it('drops and counts the undefined F4 and F5; their data bytes count as stray', () => {
    const { out, decoder } = decodeAll([bytes(0x99, 36, 100, 0xf4, 38, 0xf5, 0x99, 38, 90)]);
    expect(out).toEqual([noteOn(36, 100), noteOn(38, 90)]);
    expect(decoder.stats).toMatchObject({ undefinedStatus: 2, strayDataBytes: 1 });
  });
});

describe('MidiStreamDecoder malformed input', () => {
  it('drops and counts stray data bytes before any status', () => {
    const { out, decoder } = decodeAll([bytes(36, 100, 0x99, 36, 100)]);
    expect(out).toEqual([noteOn(36, 100)]);
    expect(decoder.stats.strayDataBytes).toBe(2);
  });

  it('drops and counts a message cut short by a status byte, and decodes the new one', () => {
    const { out, decoder } = decodeAll([bytes(0x99, 36, 0x89, 36, 64, 0x99, 0xb0, 7, 100, 0xf2, 1, 0x90, 60, 1)]);
    expect(out).toEqual([
      { type: 'noteOff', channel: 9, note: 36, velocity: 64 },
      { type: 'controlChange', channel: 0, controller: 7, value: 100 },
      noteOn(60, 1, 0),
    ]);
    expect(decoder.stats.truncatedMessages).toBe(3);
  });

  it('counts bytes and messages', () => {
    const { decoder } = decodeAll([bytes(0x99, 36, 100), bytes(38, 90, 0xf8)]);
    expect(decoder.stats).toMatchObject({ bytes: 6, messages: 3 });
    decoder.resetStats();
    expect(decoder.stats).toMatchObject({ bytes: 0, messages: 0 });
  });

  it('reset() forgets a partial message and running status', () => {
    const decoder = new MidiStreamDecoder();
    decoder.decode(bytes(0x99, 36));
    decoder.reset();
    expect(decoder.decode(bytes(100, 38, 90))).toEqual([]);
    expect(decoder.stats.strayDataBytes).toBe(3);
  });

  it('rejects a bad maxSysexBytes option with a RangeError naming it', () => {
    expect(() => new MidiStreamDecoder({ maxSysexBytes: -1 })).toThrow(/maxSysexBytes/);
    expect(() => new MidiStreamDecoder({ maxSysexBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('MidiStreamDecoder listener faults', () => {
  it('stays consistent when a listener throws: the next chunk decodes normally', () => {
    const decoder = new MidiStreamDecoder();
    expect(() =>
      decoder.feed(bytes(0x99, 36, 100, 38, 90), () => {
        throw new Error('listener bug');
      }),
    ).toThrow('listener bug');
    expect(decoder.decode(bytes(40, 80))).toEqual([noteOn(40, 80)]);
  });
});
