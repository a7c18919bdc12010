import { describe, expect, it } from 'vitest';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import { extractDrumWindows, WHOLE_FILE_WINDOWS } from './drum-windows.js';
import { readDrumSequence } from './midi-to-sequence.js';
import { makeMidi, rockBeat, type TestHit } from './testing/make-midi.js';

const map = drumPitchMap('current');
const windowsOf = (hits: readonly TestHit[], options = {}, extra = {}) =>
  extractDrumWindows(readDrumSequence(makeMidi([{ hits, ...extra }]), 't.mid'), 't.mid', { map, ...options });

describe('extractDrumWindows', () => {
  it('encodes a beat as one event per 16th, whole bars from the bar of the first hit', () => {
    const { windows } = windowsOf(rockBeat(2, 480, 1));
    expect(windows).toHaveLength(1);
    const w = windows[0];
    expect(w?.startStep).toBe(16);
    expect(w?.events.length).toBe(32);
    // step 0: kick (bit 0) + closed hat (bit 2); step 4: snare (bit 1) + hat
    expect([...(w?.events.subarray(0, 5) ?? [])]).toEqual([0b101, 0, 0b100, 0, 0b110]);
  });

  it('maps the TD-11 hi-hat edge pitches 22 and 26 with the current map', () => {
    const { windows } = windowsOf([...rockBeat(2), { tick: 120, pitch: 22 }, { tick: 360, pitch: 26 }]);
    expect(windows[0]?.events[1]).toBe(1 << 2);
    expect(windows[0]?.events[3]).toBe(1 << 3);
  });

  it('splits at a silent bar and drops a stretch shorter than minBars', () => {
    const hits = [...rockBeat(3), ...rockBeat(1, 480, 5), ...rockBeat(4, 480, 8)];
    const { windows } = windowsOf(hits, { minBars: 2 });
    expect(windows.map((w) => [w.startStep / 16, w.events.length / 16])).toEqual([
      [0, 3],
      [8, 4],
    ]);
  });

  it('cuts long stretches into consecutive bar-aligned windows of at most maxSteps', () => {
    const { windows } = windowsOf(rockBeat(10), { maxSteps: 64, minBars: 1 });
    expect(windows.map((w) => [w.startStep, w.events.length])).toEqual([
      [0, 64],
      [64, 64],
      [128, 32],
    ]);
  });

  it('reports a file with no stretch long enough as too short', () => {
    const result = windowsOf(rockBeat(1), { minBars: 2 });
    expect(result.windows).toHaveLength(0);
    expect(result.skipped).toEqual([expect.objectContaining({ file: 't.mid', reason: 'too-short' })]);
  });

  it('skips a 3/4 section as an unsupported meter and keeps the 4/4 one', () => {
    const hits = [...rockBeat(4), ...[0, 1, 2, 3, 4, 5].map((i) => ({ tick: 7680 + i * 480, pitch: 36 }))];
    const result = windowsOf(
      hits,
      {},
      {
        meters: [
          { tick: 0, numerator: 4, denominator: 4 },
          { tick: 7680, numerator: 3, denominator: 4 },
        ],
      },
    );
    expect(result.windows.map((w) => w.events.length)).toEqual([64]);
    expect(result.skipped).toEqual([expect.objectContaining({ reason: 'unsupported-meter' })]);
    expect(result.skipped[0]?.detail).toContain('3/4');
  });

  it('keeps each hit with its velocity and its offset from the grid', () => {
    const { windows } = windowsOf(
      [{ tick: 0, pitch: 36, velocity: 30 }, { tick: 130, pitch: 38, velocity: 99 }, ...rockBeat(2, 480, 1)],
      { minBars: 1 },
    );
    const snare = windows[0]?.hits.find((h) => h.drumClass === 1);
    expect(snare).toMatchObject({ step: 1, velocity: 99 });
    expect(snare?.offsetSteps).toBeCloseTo(10 / 120, 6); // 10 ticks late on a 120-tick 16th
  });

  it('counts a class once per step when two of its pitches land together', () => {
    const { windows } = windowsOf([{ tick: 0, pitch: 42 }, { tick: 0, pitch: 44 }, ...rockBeat(2, 480, 1)], {
      minBars: 1,
    });
    expect(windows[0]?.events[0]).toBe(1 << 2);
    expect(windows[0]?.hits.filter((h) => h.step === 0)).toHaveLength(1);
  });

  it('whole-file protocol: one window from the first bar to the last hit', () => {
    const hits = [...rockBeat(2), ...rockBeat(1, 480, 6)];
    const { windows } = windowsOf(hits, WHOLE_FILE_WINDOWS);
    expect(windows).toHaveLength(1);
    expect(windows[0]?.events.length).toBe(6 * 16 + 15); // the last hit is the hat on step 14
  });
});
