import { describe, expect, it } from 'vitest';
import type { QuantizedNote, QuantizedSequence } from '../../music/note-sequence.js';
import { writeBinaryCounter, binaryCounter } from './binary-counter.js';
import { decodeDrumEvents, encodeDrumEvents } from './drum-events.js';
import {
  DRUM_PITCH_MAPS,
  DrumPitchMapError,
  buildDrumPitchMap,
  drumPitchMap,
  identifyDrumPitchMap,
} from './drum-pitch-maps.js';

const hit = (pitch: number, startStep: number): QuantizedNote => ({
  pitch,
  velocity: 100,
  startStep,
  endStep: startStep + 1,
  offsetSteps: 0,
  isDrum: true,
});

const seq = (notes: QuantizedNote[], totalSteps = 16): QuantizedSequence => ({
  notes,
  stepsPerQuarter: 4,
  totalSteps,
  qpm: 120,
  stepsPerBar: 16,
});

const classic = drumPitchMap('classic');
const current = drumPitchMap('current');

describe('drum events', () => {
  it('encodes the set of classes per step, kick as bit 0', () => {
    const { events } = encodeDrumEvents(seq([hit(36, 0), hit(38, 4), hit(42, 4), hit(51, 15)]), classic);
    expect(events[0]).toBe(1);
    expect(events[4]).toBe(2 | 4);
    expect(events[15]).toBe(256);
    expect(events.length).toBe(16);
    expect(events.filter((e) => e === 0).length).toBe(13);
  });

  it('counts two pitches of one class on a step once (Python set semantics)', () => {
    const { events } = encodeDrumEvents(seq([hit(42, 2), hit(44, 2)]), classic);
    expect(events[2]).toBe(4);
  });

  it('ignores and counts unmapped pitches', () => {
    const r = encodeDrumEvents(seq([hit(36, 0), hit(100, 0), hit(21, 3), hit(100, 5)]), classic);
    expect(r.events[0]).toBe(1);
    expect(r.events[3]).toBe(0);
    expect(r.unmappedCount).toBe(3);
    expect(r.unmappedPitches).toEqual([21, 100]);
  });

  it('differs between the classic and current maps where they disagree', () => {
    const s = seq([hit(43, 0), hit(52, 1), hit(22, 2)]);
    expect([...encodeDrumEvents(s, classic).events.slice(0, 3)]).toEqual([64, 256, 0]);
    expect([...encodeDrumEvents(s, current).events.slice(0, 3)]).toEqual([16, 128, 4]);
    expect(encodeDrumEvents(s, classic).unmappedCount).toBe(1);
  });

  it('encodes a window that does not start on a bar', () => {
    const r = encodeDrumEvents(seq([hit(36, 2), hit(38, 5), hit(42, 9)]), classic, { fromStep: 5, toStep: 9 });
    expect([...r.events]).toEqual([2, 0, 0, 0]);
  });

  it('decodes each class to its first pitch and round-trips canonical hits', () => {
    const notes = decodeDrumEvents([0, 3, 511], classic, { startStep: 16 });
    expect(notes.filter((n) => n.startStep === 17).map((n) => n.pitch)).toEqual([36, 38]);
    expect(notes.filter((n) => n.startStep === 18).map((n) => n.pitch)).toEqual(
      DRUM_PITCH_MAPS.classic.map((row) => row[0]),
    );
    for (let e = 0; e < 512; e++) {
      const back = encodeDrumEvents(seq(decodeDrumEvents([e], current), 1), current);
      expect(back.events[0]).toBe(e);
    }
    expect(() => decodeDrumEvents([512], classic)).toThrow(/512/);
  });

  it('identifies maps and rejects broken ones', () => {
    expect(identifyDrumPitchMap(DRUM_PITCH_MAPS.classic)).toBe('classic');
    expect(identifyDrumPitchMap(DRUM_PITCH_MAPS.current)).toBe('current');
    expect(identifyDrumPitchMap([[36], ...DRUM_PITCH_MAPS.classic.slice(1)])).toBe('custom');
    expect(() => buildDrumPitchMap(DRUM_PITCH_MAPS.classic.slice(1))).toThrow(DrumPitchMapError);
    expect(() => buildDrumPitchMap([[36, 38], ...DRUM_PITCH_MAPS.classic.slice(1)])).toThrow(/38/);
  });
});

describe('binary counter', () => {
  it('describes the next step, least significant bit first, as +-1', () => {
    expect([...binaryCounter(0, 6)]).toEqual([1, -1, -1, -1, -1, -1]);
    expect([...binaryCounter(15, 6)]).toEqual([-1, -1, -1, -1, 1, -1]);
    expect([...binaryCounter(62, 6)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...binaryCounter(63, 6)]).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  it('writes at an offset', () => {
    const out = new Float32Array(8);
    writeBinaryCounter(2, 6, out, 2);
    expect([...out]).toEqual([0, 0, 1, 1, -1, -1, -1, -1]);
  });
});
