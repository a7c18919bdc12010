import { describe, expect, it } from 'vitest';
import type { QuantizedNote, QuantizedSequence } from '../../music/note-sequence.js';
import { MELODY_NOTE_OFF, decodeMelodyEvents, encodeMelodyEvents, melodyEventCount } from './melody-events.js';

const basicRnn = { minPitch: 48, maxPitch: 83 };
const note = (pitch: number, startStep: number, endStep: number): QuantizedNote => ({
  pitch,
  velocity: 90,
  startStep,
  endStep,
  offsetSteps: 0,
  isDrum: false,
});
const seq = (notes: QuantizedNote[], totalSteps = 16): QuantizedSequence => ({
  notes,
  stepsPerQuarter: 4,
  totalSteps,
  qpm: 120,
  stepsPerBar: 16,
});

describe('melody events', () => {
  it('has 38 classes for basic_rnn', () => {
    expect(melodyEventCount(basicRnn)).toBe(38);
  });

  it('encodes onsets, note-offs and sustain', () => {
    const { events } = encodeMelodyEvents(seq([note(60, 0, 2), note(62, 2, 3), note(48, 6, 8)], 10), basicRnn);
    expect([...events]).toEqual([14, 0, 16, MELODY_NOTE_OFF, 0, 0, 2, 0, MELODY_NOTE_OFF, 0]);
  });

  it('keeps the highest of notes starting together and drops out-of-range notes', () => {
    const r = encodeMelodyEvents(seq([note(60, 0, 4), note(67, 0, 4), note(100, 2, 3)], 4), basicRnn);
    expect([...r.events]).toEqual([21, 0, 0, 0]);
    expect(r.droppedCount).toBe(2);
  });

  it('round-trips through decoding', () => {
    const notes = [note(60, 0, 2), note(83, 2, 5), note(48, 8, 16)];
    const back = decodeMelodyEvents(encodeMelodyEvents(seq(notes), basicRnn).events, basicRnn);
    expect(back.map((n) => [n.pitch, n.startStep, n.endStep])).toEqual([
      [60, 0, 2],
      [83, 2, 5],
      [48, 8, 16],
    ]);
  });
});
