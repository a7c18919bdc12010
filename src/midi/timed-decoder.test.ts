import { describe, expect, it } from 'vitest';
import { TimedMidiDecoder, dinByteDurationMs } from './timed-decoder.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('TimedMidiDecoder', () => {
  it("stamps each message with its chunk's receive time by default", () => {
    const decoder = new TimedMidiDecoder();
    expect(decoder.decode(bytes(0x99, 36, 100, 0xf8), 1000.5)).toEqual([
      { timeMs: 1000.5, message: { type: 'noteOn', channel: 9, note: 36, velocity: 100 } },
      { timeMs: 1000.5, message: { type: 'clock' } },
    ]);
  });

  it('gives a message split across chunks the time of the chunk that completed it', () => {
    const decoder = new TimedMidiDecoder();
    expect(decoder.decode(bytes(0x99, 36), 10)).toEqual([]);
    expect(decoder.decode(bytes(100), 11)).toEqual([
      { timeMs: 11, message: { type: 'noteOn', channel: 9, note: 36, velocity: 100 } },
    ]);
    expect(decoder.stats.messages).toBe(1);
  });

  it('back-dates messages by the wire time of the bytes after them (DIN)', () => {
    const decoder = new TimedMidiDecoder({ byteDurationMs: dinByteDurationMs });
    const out = decoder.decode(bytes(0xf8, 0x99, 36, 100, 38, 90), 100);
    expect(out.map((t) => t.timeMs)).toEqual([100 - 5 * 0.32, 100 - 2 * 0.32, 100]);
  });

  it('passes decoder options through and rejects a bad byte duration', () => {
    const decoder = new TimedMidiDecoder({ maxSysexBytes: 1 });
    expect(decoder.decode(bytes(0xf0, 1, 2, 0xf7), 0)).toEqual([]);
    expect(decoder.stats.oversizeSysex).toBe(1);
    expect(() => new TimedMidiDecoder({ byteDurationMs: -1 })).toThrow(/byteDurationMs/);
  });
});
