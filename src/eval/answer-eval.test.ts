import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../cli/eval-command.js';
import { makeMidi, rockBeat, type TestHit } from '../data/testing/make-midi.js';
import { randomCheckpoint } from '../model/checkpoint/random-checkpoint.js';
import { writeCheckpoint } from '../model/checkpoint/writer.js';
import { DEFAULT_SAMPLING, SAMPLING_OFF } from '../perform/generator-port.js';
import { BadSetting, parseSetting } from './answer-settings.js';

let modelDir = '';
let midiDir = '';

/** Rock beat for 2 bars, then the drummer moves to the ride and adds a crash. */
function beatThenRide(bars: number): TestHit[] {
  return rockBeat(bars).map((h) => (h.tick >= 2 * 4 * 480 && h.pitch === 42 ? { ...h, pitch: 51 } : h));
}

beforeAll(async () => {
  modelDir = await mkdtemp(join(tmpdir(), 'antiphon-answer-model-'));
  await writeCheckpoint(modelDir, randomCheckpoint({ layerUnits: [24], seed: 5 }));
  midiDir = await mkdtemp(join(tmpdir(), 'antiphon-answer-midi-'));
  await writeFile(join(midiDir, 'a-rock.mid'), makeMidi([{ tempos: [{ tick: 0, qpm: 110 }], hits: rockBeat(4) }]));
  await writeFile(join(midiDir, 'b-ride.mid'), makeMidi([{ tempos: [{ tick: 0, qpm: 95 }], hits: beatThenRide(4) }]));
  await writeFile(join(midiDir, 'c-short.mid'), makeMidi([{ hits: rockBeat(2) }]));
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await evalCommand(
    [modelDir, midiDir, '--answers', ...args],
    (s) => void (out += s),
    (s) => void (err += s),
  );
  return { code, out, err };
}

/** The table row named `name`, as its cells. */
function row(out: string, name: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith(name === '' ? '| |' : `| ${name} |`));
  if (!line) throw new Error(`no row ${name} in\n${out}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

describe('antiphon eval --answers', () => {
  it(
    'scores every setting side by side with the baselines, computed on the cut calls',
    { timeout: 60_000 },
    async () => {
      const r = await run('--setting', 't=1', '--setting', 'beam=2,profile=0.5', '--draws', '2');
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain('skipped c-short.mid: shorter than 4 bars');
      expect(r.out).toContain('2 calls (all split');
      expect(row(r.out, '')).toEqual(['t=1', 'beam=2,profile=0.5', 'repeat bar 2', 'copy the call', 'drummer (truth)']);
      expect(row(r.out, 'exchanges')).toEqual(['4', '4', '2', '2', '2']);
      // a-rock: every baseline is the truth; b-ride: hats (8 per bar) became ride, so 4+4 of 12+12 hits match
      const f1Rock = 1;
      const f1Ride = (2 * 8) / 48;
      expect(row(r.out, 'hit F1 vs truth (bars 3-4)').slice(2)).toEqual([
        ((f1Rock + f1Ride) / 2).toFixed(3),
        ((f1Rock + f1Ride) / 2).toFixed(3),
        '1.000',
      ]);
      expect(row(r.out, 'keeps kick/snare on the beats').slice(2)).toEqual(['100%', '100%', '100%']);
      expect(row(r.out, 'hits not in "repeat bar 2"')[4]).toBe(`${(((0 + 16 / 24) / 2) * 100).toFixed(0)}%`);
      expect(row(r.out, 'ride')[4]).toBe('1.00 (8.0)');
    },
  );

  it('is reproducible from its seed, and another seed draws other answers', { timeout: 60_000 }, async () => {
    const a = await run('--setting', 't=1.5', '--seed', '3');
    const b = await run('--setting', 't=1.5', '--seed', '3');
    const c = await run('--setting', 't=1.5', '--seed', '4');
    expect(a.out).toBe(b.out);
    expect(c.out).not.toBe(a.out);
  });

  it(
    "reaches the model through the box's offline path: a strong call profile makes the answer repeat the call",
    { timeout: 60_000 },
    async () => {
      const r = await run('--setting', 't=1,profile=10', '--examples', '1');
      expect(r.code, r.err).toBe(0);
      // the answer is the call's 2 bars again: exactly the "copy the call" baseline
      expect(row(r.out, 'hit F1 vs truth (bars 3-4)')[0]).toBe(row(r.out, 'hit F1 vs truth (bars 3-4)')[2]);
      expect(row(r.out, 'hits not in "repeat bar 2"')[0]).toBe('0%');
      expect(r.out).toContain('a-rock.mid\nexchange 1');
      expect(r.out).toContain('VOICE t=1,profile=10');
      expect(r.out).toContain('VOICE DRUMMER (truth)');
    },
  );

  it('refuses bad settings and flags, naming them', async () => {
    expect((await run('--setting', 'temp=1')).err).toContain('unknown key "temp"');
    expect((await run('--draws', '0')).err).toContain('--draws takes an integer >= 1');
    let err = '';
    expect(
      await evalCommand(
        [modelDir, midiDir, '--draws', '2'],
        () => undefined,
        (s) => void (err += s),
      ),
    ).toBe(2);
    expect(err).toContain('--draws only applies with --answers');
  });
});

describe('--setting', () => {
  it('reads key=value pairs over "off", and "default" as the recommended settings', () => {
    expect(parseSetting('default').sampling).toEqual(DEFAULT_SAMPLING);
    expect(parseSetting('t=0.9, beam=4,topk=8,topp=0.95,profile=0.75,floor=0.25,density=10')).toEqual({
      label: 't=0.9, beam=4,topk=8,topp=0.95,profile=0.75,floor=0.25,density=10',
      sampling: {
        temperature: 0.9,
        beamSize: 4,
        topK: 8,
        topP: 0.95,
        profileWeight: 0.75,
        profileFloor: 0.25,
        densityWeight: 10,
      },
    });
    expect(parseSetting('beam=2').sampling).toEqual({ ...SAMPLING_OFF, beamSize: 2 });
  });

  it('says what is wrong with a bad one', () => {
    expect(() => parseSetting('t=0')).toThrow(/t=0: expected a temperature in \(0, 5\]/);
    expect(() => parseSetting('beam=1.5')).toThrow(/beam size 1..16/);
    expect(() => parseSetting('floor=1.5')).toThrow(/floor=1.5: expected the profile's share left at the answer's end/);
    expect(() => parseSetting('t=1,t=2')).toThrow(/"t" is given twice/);
    expect(() => parseSetting('t')).toThrow(BadSetting);
  });
});
