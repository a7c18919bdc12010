import { describe, expect, it } from 'vitest';
import { MidiImportError } from './import-errors.js';
import { readDrumSequence } from './midi-to-sequence.js';
import { makeMidi, rockBeat } from './testing/make-midi.js';

describe('readDrumSequence', () => {
  it('reads channel-10 hits with their velocity and real time at the file tempo', () => {
    const bytes = makeMidi([
      {
        tempos: [{ tick: 0, qpm: 100 }],
        hits: [
          { tick: 0, pitch: 36, velocity: 111 },
          { tick: 480, pitch: 38, velocity: 64 },
        ],
      },
    ]);
    const seq = readDrumSequence(bytes, 'a.mid');
    expect(seq.notes.map((n) => [n.pitch, n.velocity, n.isDrum])).toEqual([
      [36, 111, true],
      [38, 64, true],
    ]);
    expect(seq.notes[1]?.startSec).toBeCloseTo(0.6, 9); // one beat at 100 qpm
    expect(seq.tempos).toEqual([{ timeSec: 0, qpm: 100 }]);
  });

  it('follows a tempo change mid-file', () => {
    const bytes = makeMidi([
      {
        tempos: [
          { tick: 0, qpm: 120 },
          { tick: 960, qpm: 60 },
        ],
      },
      {
        hits: [
          { tick: 960, pitch: 36 },
          { tick: 1440, pitch: 38 },
        ],
      },
    ]);
    const seq = readDrumSequence(bytes, 'tempo.mid');
    expect(seq.notes.map((n) => n.startSec)).toEqual([1, 2]); // 2 beats at 120, then 1 beat at 60
    expect(seq.tempos.map((t) => t.qpm)).toEqual([120, 60]);
  });

  it('keeps time signatures with their times', () => {
    const bytes = makeMidi([
      {
        meters: [
          { tick: 0, numerator: 4, denominator: 4 },
          { tick: 1920, numerator: 3, denominator: 4 },
        ],
        hits: [{ tick: 0, pitch: 36 }],
      },
    ]);
    const seq = readDrumSequence(bytes, 'meter.mid');
    expect(seq.timeSignatures).toEqual([
      { timeSec: 0, numerator: 4, denominator: 4 },
      { timeSec: 2, numerator: 3, denominator: 4 },
    ]);
  });

  it('ignores melodic channels but reads a track named as drums on any channel', () => {
    const bytes = makeMidi([
      { name: 'Bass', hits: [{ tick: 0, pitch: 40, channel: 0 }] },
      { name: 'Drum Kit', hits: [{ tick: 0, pitch: 36, channel: 3 }] },
    ]);
    expect(readDrumSequence(bytes, 'named.mid').notes.map((n) => n.pitch)).toEqual([36]);
  });

  it('reads a configured track as drums by index or name', () => {
    const bytes = makeMidi([
      { name: 'Grooves', hits: [{ tick: 0, pitch: 36, channel: 1 }] },
      { name: 'Keys', hits: [{ tick: 0, pitch: 60, channel: 2 }] },
    ]);
    expect(readDrumSequence(bytes, 'x.mid', { drumTracks: ['groove'] }).notes.map((n) => n.pitch)).toEqual([36]);
    expect(readDrumSequence(bytes, 'x.mid', { drumTracks: [1] }).notes.map((n) => n.pitch)).toEqual([60]);
  });

  it('names the file and the reason when there are no drums', () => {
    const bytes = makeMidi([{ name: 'Piano', hits: [{ tick: 0, pitch: 60, channel: 0 }] }]);
    const err = catchError(() => readDrumSequence(bytes, 'piano.mid'));
    expect(err).toBeInstanceOf(MidiImportError);
    expect(err).toMatchObject({ reason: 'no-drums', file: 'piano.mid' });
  });

  it('reports a corrupt file as corrupt, naming it', () => {
    const good = makeMidi([{ hits: rockBeat(1) }]);
    for (const bytes of [
      new Uint8Array([1, 2, 3]),
      good.subarray(0, good.length - 9),
      new TextEncoder().encode('MThd not really'),
    ]) {
      expect(catchError(() => readDrumSequence(bytes, 'bad.mid'))).toMatchObject({
        reason: 'corrupt',
        file: 'bad.mid',
      });
    }
  });

  it('keeps a hit whose note-off never comes', () => {
    const bytes = makeMidi([{ hits: [{ tick: 0, pitch: 36 }] }]);
    // Drop the note-off: find 0x89 (note-off ch 10) and turn it into a harmless controller message.
    const patched = Uint8Array.from(bytes);
    const at = patched.indexOf(0x89);
    patched[at] = 0xb9;
    expect(readDrumSequence(patched, 'hanging.mid').notes).toHaveLength(1);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
