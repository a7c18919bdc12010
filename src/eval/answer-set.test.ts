import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMidi, rockBeat } from '../data/testing/make-midi.js';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { NoteSequence, SequenceNote } from '../music/note-sequence.js';
import { cutAnswerCase, isSkip, loadAnswerSet, type AnswerCase } from './answer-set.js';

const map = drumPitchMap('classic');
/** 120 qpm: a 16th is 0.125 s, a bar 2 s. */
const STEP = 0.125;
const hit = (step: number, pitch: number, offsetSec = 0): SequenceNote => ({
  pitch,
  velocity: 100,
  startSec: step * STEP + offsetSec,
  endSec: step * STEP + offsetSec + 0.05,
  isDrum: true,
});
const seq = (notes: SequenceNote[], extra: Partial<NoteSequence> = {}): NoteSequence => ({
  notes,
  tempos: [{ timeSec: 0, qpm: 120 }],
  timeSignatures: [],
  totalSec: 20,
  ...extra,
});

/** Kick on every downbeat of bars `from..to-1`, snare on beat 3 of each. */
function bars(from: number, to: number): SequenceNote[] {
  const notes: SequenceNote[] = [];
  for (let b = from; b < to; b++) notes.push(hit(b * 16, 36), hit(b * 16 + 8, 38));
  return notes;
}

function cut(s: NoteSequence): AnswerCase {
  const c = cutAnswerCase(s, 'f.mid', { map });
  if (isSkip(c)) throw new Error(c.reason);
  return c;
}

describe('cutting a file into call and truth', () => {
  it('starts the call on the bar line at or before the first hit, and the truth two bars later', () => {
    // a lead-in bar of silence, the first hit on the "and" of beat 1 of bar 2 (file bar 1)
    const c = cut(seq([hit(18, 42), ...bars(2, 5), hit(16 + 32 + 6, 46)]));
    expect(c.startBar).toBe(1);
    expect(c.callEvents.length).toBe(32);
    expect(c.callEvents[2]).toBe(4); // the closed hat, step 2 of the call
    expect(c.callEvents[16]).toBe(1); // kick on the second call bar's downbeat
    expect(c.truthEvents[6]).toBe(8); // open hat (46) in the truth's first bar
    expect(c.truthEvents[16]).toBe(1);
    // the call keeps real time, its first bar line at 0, and only its own two bars
    expect(c.call.notes.map((n) => n.startSec)).toEqual([2 * STEP, 16 * STEP, 24 * STEP]);
    expect(c.call.tempos).toEqual([{ timeSec: 0, qpm: 120 }]);
  });

  it("keeps a hit played a hair early on the call's first bar line (negative time) and leaves the truth's early hit out", () => {
    const c = cut(seq([hit(16, 36, -0.02), ...bars(2, 5), hit(48, 38, -0.03)]));
    expect(c.startBar).toBe(1);
    expect(c.call.notes[0]?.startSec).toBeCloseTo(-0.02, 9);
    expect(c.callEvents[0]).toBe(1);
    expect(c.call.notes.every((n) => n.startSec < 2 * 2)).toBe(true);
    expect(c.truthEvents[0]).toBe(1 | 2); // the early snare belongs to the truth's downbeat
  });

  it('skips, saying why, files it cannot cut', () => {
    const reason = (s: NoteSequence): string => {
      const c = cutAnswerCase(s, 'f.mid', { map });
      return isSkip(c) ? c.reason : 'cut';
    };
    expect(reason(seq(bars(0, 3)))).toMatch(/shorter than 4 bars/);
    expect(reason(seq([...bars(0, 1), ...bars(2, 4)]))).toMatch(/call bar 2 is silent/);
    expect(reason(seq(bars(0, 4), { timeSignatures: [{ timeSec: 0, numerator: 3, denominator: 4 }] }))).toMatch(
      /not in 4\/4 \(3\/4/,
    );
    expect(
      reason(
        seq(bars(0, 4), {
          tempos: [
            { timeSec: 0, qpm: 120 },
            { timeSec: 5, qpm: 90 },
          ],
        }),
      ),
    ).toMatch(/tempo changes to 90\.0/);
    expect(reason(seq([{ ...hit(0, 36), pitch: 20 }]))).toMatch(/no drum the model knows/);
    expect(reason(seq(bars(0, 4)))).toBe('cut');
  });
});

describe('loading the answer set of a folder', () => {
  it("takes the split's 4/4 beats from GMD's info.csv and leaves fills and other meters out", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-answers-'));
    await mkdir(join(dir, 'd1'));
    const beat = makeMidi([{ tempos: [{ tick: 0, qpm: 100 }], hits: rockBeat(5) }]);
    for (const f of ['beat-val.mid', 'fill-val.mid', 'beat-train.mid', 'waltz-val.mid', 'short-val.mid']) {
      await writeFile(join(dir, 'd1', f), f === 'short-val.mid' ? makeMidi([{ hits: rockBeat(2) }]) : beat);
    }
    const csv = [
      'drummer,midi_filename,beat_type,time_signature,split',
      'a,d1/beat-val.mid,beat,4-4,validation',
      'a,d1/fill-val.mid,fill,4-4,validation',
      'a,d1/beat-train.mid,beat,4-4,train',
      'a,d1/waltz-val.mid,beat,3-4,validation',
      'a,d1/short-val.mid,beat,4-4,validation',
    ].join('\n');
    await writeFile(join(dir, 'info.csv'), csv);
    const set = await loadAnswerSet(dir, 'validation', { map });
    expect(set.filesRead).toBe(2);
    expect(set.cases.map((c) => c.file)).toEqual(['d1/beat-val.mid']);
    expect(set.skipped).toEqual([{ file: 'd1/short-val.mid', reason: 'shorter than 4 bars from the first hit' }]);
    expect(set.cases[0]?.callEvents[0]).toBe(1 | 4);
    expect(set.cases[0]?.call.tempos[0]?.qpm).toBeCloseTo(100, 6);
    const all = await loadAnswerSet(dir, 'all', { map });
    expect(all.cases.map((c) => c.file)).toEqual(['d1/beat-train.mid', 'd1/beat-val.mid']);
  });
});
