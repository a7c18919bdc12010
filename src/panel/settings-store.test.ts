import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, removeCutTemps, writeSettingsAtomic, type PanelSettings } from './settings-store.js';

const settings = (temperature: number): PanelSettings => ({
  learned: [{ controller: 20, target: { kind: 'parameter', param: 'temperature', voice: 'A' } }],
  parameters: { global: { mode: 'chain' }, voices: [{ name: 'A', values: { temperature } }] },
});

const scratch = (): string => mkdtempSync(join(tmpdir(), 'antiphon-settings-'));

describe('settings store', () => {
  it('round-trips learned CCs and parameters, leaving no temp file', async () => {
    const dir = scratch();
    const file = join(dir, 'panel-settings.json');
    await writeSettingsAtomic(file, settings(1.25), new Date(Date.UTC(2026, 0, 2)));
    const read = await readSettings(file);
    expect(read).toEqual({ kind: 'ok', settings: settings(1.25) });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, savedAt: '2026-01-02T00:00:00.000Z' });
    expect(readdirSync(dir)).toEqual(['panel-settings.json']);
  });

  it('a later save replaces the whole file', async () => {
    const file = join(scratch(), 'panel-settings.json');
    await writeSettingsAtomic(file, settings(0.5));
    await writeSettingsAtomic(file, settings(1.5));
    expect(await readSettings(file)).toEqual({ kind: 'ok', settings: settings(1.5) });
  });

  it('a power cut mid-save: the last complete file is read and the temp files left are removed', async () => {
    const dir = scratch();
    const file = join(dir, 'panel-settings.json');
    await writeSettingsAtomic(file, settings(0.75));
    // Two cuts in earlier runs (other pids), each mid-write: half a file under the temp name.
    const half = readFileSync(file, 'utf8').slice(0, 40);
    writeFileSync(`${file}.tmp-4242`, half);
    writeFileSync(`${file}.tmp-77`, '');
    writeFileSync(join(dir, 'other.json.tmp-1'), 'not ours');
    expect(await readSettings(file)).toEqual({ kind: 'ok', settings: settings(0.75) });
    expect(readdirSync(dir).sort()).toEqual(['other.json.tmp-1', 'panel-settings.json']);
  });

  it('removeCutTemps says what it removed, and a missing folder is no error', async () => {
    const dir = scratch();
    const file = join(dir, 'panel-settings.json');
    writeFileSync(`${file}.tmp-9`, '{');
    expect(await removeCutTemps(file)).toEqual(['panel-settings.json.tmp-9']);
    expect(await removeCutTemps(join(dir, 'none', 'panel-settings.json'))).toEqual([]);
  });

  it('missing is not an error; corrupt files say what is wrong and where', async () => {
    const dir = scratch();
    const file = join(dir, 'panel-settings.json');
    expect(await readSettings(file)).toEqual({ kind: 'missing' });
    writeFileSync(file, '{"version": 1, "learned": [');
    const truncated = await readSettings(file);
    expect(truncated.kind).toBe('corrupt');
    expect(truncated.kind === 'corrupt' && truncated.error).toMatch(/panel-settings\.json: not JSON/);
    writeFileSync(
      file,
      JSON.stringify({ version: 1, learned: [{ controller: 200, target: 'mutate' }], parameters: {} }),
    );
    const bad = await readSettings(file);
    expect(bad.kind === 'corrupt' && bad.error).toMatch(/learned\.0\.controller: .*parameters\.global/s);
  });

  it('a save where the folder cannot be made throws (the keeper reports it)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    await expect(writeSettingsAtomic(join(dir, 'file', 'panel-settings.json'), settings(1))).rejects.toMatchObject({
      code: 'EEXIST',
    });
  });
});
