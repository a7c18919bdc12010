import { describe, expect, it } from 'vitest';
import { MidiStreamDecoder } from './decoder.js';
import { InvalidMidiField } from './encode-error.js';
import type { MidiMessage } from './message.js';
import { RunningStatusEncoder } from './running-status-encoder.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const hit = (note: number, velocity: number): MidiMessage => ({ type: 'noteOn', channel: 9, note, velocity });
const release = (note: number): MidiMessage => ({ type: 'noteOff', channel: 9, note, velocity: 64 });

describe('RunningStatusEncoder', () => {
  it('omits a repeated channel status and counts the bytes saved', () => {
    const encoder = new RunningStatusEncoder();
    expect(hex(encoder.encodeAll([hit(36, 100), hit(38, 90), hit(36, 0)]))).toBe('99 24 64 26 5a 24 00');
    expect(encoder.bytesSaved).toBe(2);
  });

  it('keeps running status across real-time messages', () => {
    const encoder = new RunningStatusEncoder();
    expect(hex(encoder.encodeAll([hit(36, 100), { type: 'clock' }, hit(38, 90)]))).toBe('99 24 64 f8 26 5a');
  });

  it('re-sends the status after system common and sysex messages, which cancel running status', () => {
    const encoder = new RunningStatusEncoder();
    const bytes = encoder.encodeAll([
      hit(36, 100),
      { type: 'songPosition', position: 0 },
      hit(38, 90),
      { type: 'sysex', data: Uint8Array.from([1]) },
      hit(40, 80),
      { type: 'tuneRequest' },
      hit(42, 70),
    ]);
    expect(hex(bytes)).toBe('99 24 64 f2 00 00 99 26 5a f0 01 f7 99 28 50 f6 99 2a 46');
  });

  it('does not turn note-off into note-on velocity 0 unless asked', () => {
    expect(hex(new RunningStatusEncoder().encodeAll([hit(36, 100), release(36)]))).toBe('99 24 64 89 24 40');
    const converting = new RunningStatusEncoder({ noteOffAsZeroVelocityNoteOn: true });
    expect(hex(converting.encodeAll([hit(36, 100), release(36)]))).toBe('99 24 64 24 00');
  });

  it('refreshes the status byte after refreshStatusAfter omissions', () => {
    const encoder = new RunningStatusEncoder({ refreshStatusAfter: 2 });
    const bytes = encoder.encodeAll([hit(1, 1), hit(2, 2), hit(3, 3), hit(4, 4), hit(5, 5)]);
    expect(hex(bytes)).toBe('99 01 01 02 02 03 03 99 04 04 05 05');
  });

  it('never refreshes with refreshStatusAfter 0, and forgetRunningStatus forces the next status', () => {
    const encoder = new RunningStatusEncoder({ refreshStatusAfter: 0 });
    const many = Array.from({ length: 40 }, (_, i) => hit(i, 1));
    expect(encoder.encodeAll(many).length).toBe(3 + 39 * 2);
    encoder.forgetRunningStatus();
    expect(hex(encoder.encode(hit(1, 1)))).toBe('99 01 01');
  });

  it('decodes back to the same messages', () => {
    const messages: MidiMessage[] = [
      hit(36, 100),
      { type: 'clock' },
      hit(36, 0),
      release(38),
      { type: 'controlChange', channel: 9, controller: 1, value: 2 },
    ];
    const bytes = new RunningStatusEncoder().encodeAll(messages);
    expect(new MidiStreamDecoder().decode(bytes)).toEqual(messages);
  });

  it('validates fields and options', () => {
    expect(() => new RunningStatusEncoder().encode(hit(128, 1))).toThrow(InvalidMidiField);
    expect(() => new RunningStatusEncoder({ refreshStatusAfter: -1 })).toThrow(/refreshStatusAfter/);
  });
});
