import { describe, expect, it } from 'vitest';
import { InvalidMidiField } from './encode-error.js';
import { encodeInto, encodeMessage, encodeMessages, encodedLength } from './encoder.js';
import type { MidiMessage } from './message.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('encodeMessage', () => {
  it.each<[MidiMessage, string]>([
    [{ type: 'noteOff', channel: 9, note: 36, velocity: 64 }, '89 24 40'],
    [{ type: 'noteOn', channel: 9, note: 36, velocity: 0 }, '99 24 00'],
    [{ type: 'polyPressure', channel: 0, note: 60, pressure: 127 }, 'a0 3c 7f'],
    [{ type: 'controlChange', channel: 15, controller: 123, value: 0 }, 'bf 7b 00'],
    [{ type: 'programChange', channel: 1, program: 5 }, 'c1 05'],
    [{ type: 'channelPressure', channel: 2, pressure: 9 }, 'd2 09'],
    [{ type: 'pitchBend', channel: 0, value: 8192 }, 'e0 00 40'],
    [{ type: 'pitchBend', channel: 0, value: 16383 }, 'e0 7f 7f'],
    [{ type: 'sysex', data: Uint8Array.from([0x00, 0x21, 0x1d]) }, 'f0 00 21 1d f7'],
    [{ type: 'sysex', data: new Uint8Array(0) }, 'f0 f7'],
    [{ type: 'mtcQuarterFrame', value: 0x35 }, 'f1 35'],
    [{ type: 'songPosition', position: 0x3fff }, 'f2 7f 7f'],
    [{ type: 'songSelect', song: 3 }, 'f3 03'],
    [{ type: 'tuneRequest' }, 'f6'],
    [{ type: 'clock' }, 'f8'],
    [{ type: 'start' }, 'fa'],
    [{ type: 'continue' }, 'fb'],
    [{ type: 'stop' }, 'fc'],
    [{ type: 'activeSensing' }, 'fe'],
    [{ type: 'reset' }, 'ff'],
  ])('%j -> %s', (message, expected) => {
    expect(hex(encodeMessage(message))).toBe(expected);
    expect(encodedLength(message)).toBe(expected.split(' ').length);
  });

  it('concatenates several messages, each with its status byte', () => {
    const bytes = encodeMessages([
      { type: 'noteOn', channel: 9, note: 36, velocity: 100 },
      { type: 'noteOn', channel: 9, note: 36, velocity: 0 },
      { type: 'clock' },
    ]);
    expect(hex(bytes)).toBe('99 24 64 99 24 00 f8');
  });
});

describe('encoder validation', () => {
  it.each<[MidiMessage, string, unknown]>([
    [{ type: 'noteOn', channel: 16, note: 36, velocity: 100 }, 'channel', 16],
    [{ type: 'noteOn', channel: -1, note: 36, velocity: 100 }, 'channel', -1],
    [{ type: 'noteOff', channel: 1.5, note: 36, velocity: 100 }, 'channel', 1.5],
    [{ type: 'noteOn', channel: 9, note: 128, velocity: 100 }, 'note', 128],
    [{ type: 'noteOn', channel: 9, note: 36, velocity: Number.NaN }, 'velocity', Number.NaN],
    [{ type: 'polyPressure', channel: 9, note: 36, pressure: 200 }, 'pressure', 200],
    [{ type: 'controlChange', channel: 0, controller: 128, value: 0 }, 'controller', 128],
    [{ type: 'controlChange', channel: 0, controller: 1, value: -3 }, 'value', -3],
    [{ type: 'programChange', channel: 0, program: 128 }, 'program', 128],
    [{ type: 'channelPressure', channel: 0, pressure: 0.5 }, 'pressure', 0.5],
    [{ type: 'pitchBend', channel: 0, value: 16384 }, 'value', 16384],
    [{ type: 'pitchBend', channel: 0, value: -1 }, 'value', -1],
    [{ type: 'mtcQuarterFrame', value: 128 }, 'value', 128],
    [{ type: 'songPosition', position: 16384 }, 'position', 16384],
    [{ type: 'songSelect', song: Infinity }, 'song', Infinity],
    [{ type: 'sysex', data: Uint8Array.from([1, 2, 0xf7, 3]) }, 'data[2]', 0xf7],
  ])('%j throws InvalidMidiField naming %s', (message, field, value) => {
    let caught: unknown;
    try {
      encodeMessage(message);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidMidiField);
    const error = caught as InvalidMidiField;
    expect(error.messageType).toBe(message.type);
    expect(error.field).toBe(field);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(`${message.type}.${field} = ${String(value)}`);
  });

  it('rejects an unknown type and sysex data that is not a Uint8Array', () => {
    expect(() => encodeMessage({ type: 'noteOnn' } as unknown as MidiMessage)).toThrow(/noteOnn\.type/);
    expect(() => encodeMessage({ type: 'sysex', data: [1, 2] } as unknown as MidiMessage)).toThrow(InvalidMidiField);
  });
});

describe('encodeInto', () => {
  it('writes at an offset and returns the length', () => {
    const target = new Uint8Array(6);
    expect(encodeInto({ type: 'noteOn', channel: 0, note: 60, velocity: 1 }, target, 2)).toBe(3);
    expect(hex(target)).toBe('00 00 90 3c 01 00');
  });

  it('throws RangeError instead of silently truncating into a short buffer', () => {
    expect(() => encodeInto({ type: 'noteOn', channel: 0, note: 60, velocity: 1 }, new Uint8Array(4), 2)).toThrow(
      RangeError,
    );
  });
});
