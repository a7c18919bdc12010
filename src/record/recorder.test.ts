import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TICKS_PER_STEP } from '../clock/units.js';
import { performRig, TWO_VOICES } from '../perform/test-rig.js';
import { ExchangeRecorder } from './recorder.js';
import { SMF_TICKS_PER_BEAT } from './exchange-smf.js';
import { noteSequenceOf, readSmf } from './smf-read.js';

const quietLog = { info: () => undefined, error: () => undefined };

async function chainExchange() {
  const rig = performRig({ params: { mode: 'chain', voices: TWO_VOICES } });
  rig.playBar(1);
  rig.playBar(2);
  await rig.run(rig.at(9));
  const x = rig.exchanges[0];
  if (!x) throw new Error('no exchange');
  return x;
}

describe('exchange recordings', () => {
  it('round-trip: call and each voice on their own tracks, with tempo, notes and timing intact', async () => {
    const x = await chainExchange();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-rec-'));
    const rec = new ExchangeRecorder({ dir, maxBytes: 1e6, log: quietLog });
    const path = await rec.record(x);
    expect(path).toBeDefined();
    const smf = readSmf(readFileSync(path ?? ''), path);
    expect(smf.ticksPerBeat).toBe(SMF_TICKS_PER_BEAT);
    expect(smf.tempos).toEqual([{ tick: 0, microsecondsPerBeat: 500_000 }]);
    expect(smf.tracks.map((t) => t.name)).toEqual(['antiphon', 'call (human)', 'voice A', 'voice B']);
    const origin = (x.call.startBar - 1) * 16 * TICKS_PER_STEP;
    const scale = SMF_TICKS_PER_BEAT / 24;
    const expectNotes = (track: number, notes: typeof x.call.notes): void => {
      const got = smf.tracks[track]?.notes.map((n) => [n.pitch, n.velocity, n.startTick]);
      expect(got).toEqual(
        [...notes]
          .map((n) => [n.pitch, n.velocity, Math.round((n.tick - origin) * scale)])
          .sort((a, b) => (a[2] ?? 0) - (b[2] ?? 0) || (a[0] ?? 0) - (b[0] ?? 0)),
      );
    };
    expectNotes(1, x.call.notes);
    expectNotes(2, x.turns[0]?.notes ?? []);
    expectNotes(3, x.turns[1]?.notes ?? []);
    expect(smf.tracks[2]?.texts[0]).toMatch(/log-likelihood -\d+\.\d{3} \(-\d+\.\d{3}\/step\)/);
    // The human's micro-timing survives: the call's onsets are not all on the 16th grid.
    const seq = noteSequenceOf(smf, (t) => t.name.startsWith('call'));
    expect(seq.notes.some((n) => Math.abs(n.startSec * 8 - Math.round(n.startSec * 8)) > 1e-3)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('rotates by size, oldest first, always keeping the newest', async () => {
    const x = await chainExchange();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-rot-'));
    let t = Date.UTC(2026, 0, 1);
    const rec = new ExchangeRecorder({ dir, maxBytes: 1500, log: quietLog, now: () => new Date((t += 1000)) });
    const paths = [await rec.record(x), await rec.record(x), await rec.record(x)];
    const left = readdirSync(dir).sort();
    expect(left.length).toBeLessThan(3);
    expect(left.at(-1)).toBe(paths[2]?.split('/').at(-1));
  });

  it('recordings already in the directory count toward the limit and go first; rotation stays under it', async () => {
    const x = await chainExchange();
    const scratch = mkdtempSync(join(tmpdir(), 'antiphon-rot-size-'));
    const size = readFileSync(
      (await new ExchangeRecorder({ dir: scratch, maxBytes: 1e6, log: quietLog }).record(x)) ?? '',
    ).length;
    expect(size).toBeLessThan(7000); // one old file's going must bring the first write under 90% below
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-rot-old-'));
    // An earlier night's recordings (older names), 1000 bytes each.
    const old = ['exchange-20250101-000000-000-0001.mid', 'exchange-20250101-000001-000-0002.mid'];
    for (const n of old) writeFileSync(join(dir, n), Buffer.alloc(1000));
    let t = Date.UTC(2026, 0, 1);
    const maxBytes = 2000 + size - 1;
    const rec = new ExchangeRecorder({ dir, maxBytes, log: quietLog, now: () => new Date((t += 1000)) });
    const written = [(await rec.record(x))?.split('/').at(-1)];
    expect(readdirSync(dir).sort()).toEqual([old[1], written[0]]);
    for (let i = 0; i < 6; i++) written.push((await rec.record(x))?.split('/').at(-1));
    const left = readdirSync(dir).sort();
    expect(left).toEqual(written.slice(-left.length));
    expect(left.length * size).toBeLessThanOrEqual(maxBytes);
  });

  it('an unwritable directory is logged and counted, never thrown', async () => {
    const x = await chainExchange();
    const base = mkdtempSync(join(tmpdir(), 'antiphon-bad-'));
    writeFileSync(join(base, 'file'), 'not a directory');
    const errors: object[] = [];
    const rec = new ExchangeRecorder({
      dir: join(base, 'file', 'recordings'),
      maxBytes: 1e6,
      log: { info: () => undefined, error: (f) => void errors.push(f) },
    });
    await expect(rec.record(x)).resolves.toBeUndefined();
    expect(rec.failures).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'ENOTDIR' });
  });

  it('disarmed, writes nothing and counts what it left out; armed again, writes as before', async () => {
    const x = await chainExchange();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-arm-'));
    const rec = new ExchangeRecorder({ dir, maxBytes: 1e6, log: quietLog });
    expect(rec.armed).toBe(true);
    rec.armed = false;
    await expect(rec.record(x)).resolves.toBe('disarmed');
    expect(readdirSync(dir)).toEqual([]);
    expect([rec.skipped, rec.written]).toEqual([1, 0]);
    rec.armed = true;
    expect(await rec.record(x)).toMatch(/exchange-.*\.mid$/);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('a power cut mid-write: the temp file it left is removed at start, finished files and others stay', async () => {
    const x = await chainExchange();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-cut-'));
    const first = new ExchangeRecorder({ dir, maxBytes: 1e6, log: quietLog });
    const finished = (await first.record(x))?.split('/').at(-1) ?? '';
    // What the cut left: half of the next file under its temp name, and a file that is not ours.
    const partial = `.${finished.replace(/\.mid$/, '-next.mid')}.tmp`;
    writeFileSync(join(dir, partial), readFileSync(join(dir, finished)).subarray(0, 20));
    writeFileSync(join(dir, '.keep.tmp'), 'not a recording');
    const infos: object[] = [];
    const after = new ExchangeRecorder({
      dir,
      maxBytes: 1e6,
      log: { info: (f) => void infos.push(f), error: () => undefined },
    });
    await after.flush();
    expect(readdirSync(dir).sort()).toEqual(['.keep.tmp', finished]);
    expect(after.leftoversRemoved).toBe(1);
    expect(infos).toContainEqual({ file: join(dir, partial) });
    // The finished recording is whole.
    expect(readSmf(readFileSync(join(dir, finished)), finished).tracks.length).toBeGreaterThan(1);
  });

  it('a missing directory at start is not an error: the first write creates it', async () => {
    const x = await chainExchange();
    const dir = join(mkdtempSync(join(tmpdir(), 'antiphon-new-')), 'recordings');
    const errors: object[] = [];
    const rec = new ExchangeRecorder({
      dir,
      maxBytes: 1e6,
      log: { info: () => undefined, error: (f) => void errors.push(f) },
    });
    expect(await rec.record(x)).toMatch(/exchange-.*\.mid$/);
    expect([errors, rec.leftoversRemoved]).toEqual([[], 0]);
  });
});
