import { describe, expect, it } from 'vitest';
import type { NoteSequence, SequenceNote } from './note-sequence.js';
import { QuantizationError, quantizeNoteSequence } from './quantize.js';

const drum = (pitch: number, startSec: number, velocity = 100): SequenceNote => ({
  pitch,
  velocity,
  startSec,
  endSec: startSec,
  isDrum: true,
});

const seq = (notes: SequenceNote[], extra: Partial<NoteSequence> = {}): NoteSequence => ({
  notes,
  tempos: [{ timeSec: 0, qpm: 120 }],
  timeSignatures: [],
  totalSec: 2,
  ...extra,
});

describe('quantizeNoteSequence', () => {
  it('rounds onsets with floor(steps + 0.5) and keeps offset and velocity', () => {
    // 120 qpm: one 16th step = 0.125 s.
    const q = quantizeNoteSequence(seq([drum(36, 0.26, 77), drum(38, 0.1875), drum(42, 0.3)]));
    expect(q.notes.map((n) => n.startStep)).toEqual([2, 2, 2]);
    const kick = q.notes.find((n) => n.pitch === 36);
    expect(kick?.velocity).toBe(77);
    expect(kick?.offsetSteps).toBeCloseTo(0.08, 10);
    // Exactly half a step rounds up, as Magenta's floor(x + 0.5) does.
    expect(q.notes.find((n) => n.pitch === 38)?.offsetSteps).toBeCloseTo(-0.5, 10);
    expect(q.notes.find((n) => n.pitch === 42)?.offsetSteps).toBeCloseTo(0.4, 10);
    expect(q.totalSteps).toBe(16);
    expect(q.stepsPerBar).toBe(16);
    expect(q.qpm).toBe(120);
  });

  it('gives one-shot drum notes a one-step length', () => {
    const q = quantizeNoteSequence(seq([drum(36, 0.5)]));
    expect(q.notes[0]).toMatchObject({ startStep: 4, endStep: 5 });
  });

  it('follows a tempo change', () => {
    // 1 s at 60 qpm = 4 steps, then 120 qpm: 0.5 s more = 4 steps.
    const q = quantizeNoteSequence(
      seq([drum(36, 1.5), drum(38, 0.5)], {
        tempos: [
          { timeSec: 0, qpm: 60 },
          { timeSec: 1, qpm: 120 },
        ],
      }),
    );
    expect(q.notes.map((n) => [n.pitch, n.startStep])).toEqual([
      [38, 2],
      [36, 8],
    ]);
  });

  it('takes bar length from the time signature', () => {
    const q = quantizeNoteSequence(seq([], { timeSignatures: [{ timeSec: 0, numerator: 6, denominator: 8 }] }));
    expect(q.stepsPerBar).toBe(12);
  });

  it('uses 120 qpm when the sequence has no tempo', () => {
    const q = quantizeNoteSequence(seq([drum(36, 0.25)], { tempos: [] }));
    expect(q.notes[0]?.startStep).toBe(2);
  });

  it('names the bad tempo or note', () => {
    expect(() => quantizeNoteSequence(seq([], { tempos: [{ timeSec: 0, qpm: 0 }] }))).toThrow(QuantizationError);
    expect(() => quantizeNoteSequence(seq([drum(36, -1)]))).toThrow(/notes\[0\]/);
  });
});
