import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import { splitOf } from './dataset-split.js';
import { listMidiFiles, loadDrumDataset } from './drum-dataset.js';
import { makeMidi, rockBeat } from './testing/make-midi.js';

const GMD = join(process.cwd(), '../shared/data/groove');
const map = drumPitchMap('current');

describe('loadDrumDataset', () => {
  it('reads the good files and reports each bad one with its reason; none stops the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-ds-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'good.mid'), makeMidi([{ hits: rockBeat(4) }]));
    await writeFile(join(dir, 'sub', 'also-good.MID'), makeMidi([{ hits: rockBeat(8) }]));
    await writeFile(join(dir, 'corrupt.mid'), new Uint8Array([0x4d, 0x54, 0x68, 0x64, 0, 0]));
    await writeFile(join(dir, 'piano.mid'), makeMidi([{ hits: [{ tick: 0, pitch: 60, channel: 0 }] }]));
    await writeFile(join(dir, 'short.mid'), makeMidi([{ hits: rockBeat(1) }]));
    await writeFile(
      join(dir, 'waltz.mid'),
      makeMidi([{ meters: [{ tick: 0, numerator: 3, denominator: 4 }], hits: rockBeat(4) }]),
    );
    await writeFile(join(dir, 'notes.txt'), 'not midi');
    const ds = await loadDrumDataset(dir, { map });
    expect(ds.filesRead).toBe(6);
    expect(ds.windows.map((w) => [w.file, w.events.length])).toEqual([
      ['good.mid', 64],
      ['sub/also-good.MID', 128],
    ]);
    const reasons = Object.fromEntries(ds.skipped.map((s) => [s.file, s.reason]));
    expect(reasons).toEqual({
      'corrupt.mid': 'corrupt',
      'piano.mid': 'no-drums',
      'short.mid': 'too-short',
      'waltz.mid': 'unsupported-meter',
    });
  });

  it('reads real Groove MIDI Dataset files with every hit mapped', async () => {
    const files = (await listMidiFiles(GMD)).filter((f) => f.startsWith('drummer1/session1/')).slice(0, 6);
    const ds = await loadDrumDataset(GMD, { map, include: (f) => files.includes(f) });
    expect(ds.filesRead).toBe(6);
    expect(ds.unmappedNotes).toBe(0);
    expect(ds.windows.length).toBeGreaterThan(0);
    for (const w of ds.windows) {
      expect(w.events.length % 16).toBe(0);
      expect(w.events.length).toBeLessThanOrEqual(512);
      expect(w.hits.every((h) => Math.abs(h.offsetSteps) <= 0.5)).toBe(true);
    }
  });

  it("uses info.csv's split for the Groove MIDI Dataset and a stable hash split elsewhere", async () => {
    const split = await splitOf(GMD);
    expect(split('drummer1/session1/1_funk_80_beat_4-4.mid')).toBe('train');
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-split-'));
    const hashed = await splitOf(dir);
    const names = Array.from({ length: 200 }, (_, i) => `song${i}.mid`);
    const held = names.filter((n) => hashed(n) === 'validation');
    expect(held.length).toBeGreaterThan(5);
    expect(held.length).toBeLessThan(45);
    expect(names.filter((n) => hashed(n) === 'validation')).toEqual(held);
  });
});
