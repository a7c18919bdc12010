import { describe, expect, it } from 'vitest';
import { describeMessage } from './describe.js';
import type { MidiMessage } from './message.js';

describe('describeMessage', () => {
  it.each<[MidiMessage, string]>([
    [{ type: 'noteOn', channel: 9, note: 36, velocity: 100 }, 'noteOn ch10 note 36 vel 100'],
    [{ type: 'noteOff', channel: 0, note: 60, velocity: 64 }, 'noteOff ch1 note 60 vel 64'],
    [{ type: 'polyPressure', channel: 15, note: 60, pressure: 3 }, 'polyPressure ch16 note 60 pressure 3'],
    [{ type: 'controlChange', channel: 9, controller: 7, value: 100 }, 'controlChange ch10 cc 7 value 100'],
    [{ type: 'programChange', channel: 1, program: 0 }, 'programChange ch2 program 0'],
    [{ type: 'channelPressure', channel: 2, pressure: 40 }, 'channelPressure ch3 pressure 40'],
    [{ type: 'pitchBend', channel: 0, value: 8192 }, 'pitchBend ch1 value 8192 (+0)'],
    [{ type: 'pitchBend', channel: 0, value: 0 }, 'pitchBend ch1 value 0 (-8192)'],
    [
      { type: 'sysex', data: Uint8Array.from([0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01]) },
      'sysex 7 bytes: 00 21 1D 01 01 0A 01',
    ],
    [{ type: 'sysex', data: new Uint8Array(0) }, 'sysex 0 bytes'],
    [{ type: 'mtcQuarterFrame', value: 0x35 }, 'mtcQuarterFrame piece 3 value 5'],
    [{ type: 'songPosition', position: 32 }, 'songPosition 32 sixteenths'],
    [{ type: 'songSelect', song: 4 }, 'songSelect 4'],
    [{ type: 'tuneRequest' }, 'tuneRequest'],
    [{ type: 'clock' }, 'clock'],
    [{ type: 'reset' }, 'reset'],
  ])('%j', (message, expected) => {
    expect(describeMessage(message)).toBe(expected);
  });

  it('elides long sysex after 16 bytes', () => {
    const text = describeMessage({ type: 'sysex', data: new Uint8Array(300).fill(0x7f) });
    expect(text).toBe(`sysex 300 bytes: ${Array(16).fill('7F').join(' ')} …`);
  });
});
