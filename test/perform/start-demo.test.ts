import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSmf } from '../../src/record/smf-read.js';

describe('antiphon start with no devices', () => {
  it('runs a labelled demo: an exchange printed as a drum grid and written as a valid .mid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-demo-'));
    const config = join(dir, 'antiphon.toml');
    writeFileSync(
      config,
      `[data]\ndir = "${join(dir, 'data')}"\n[perform]\ntempo_bpm = 240\nseed = 5\n[din]\ndevice = "/dev/antiphon-no-such-uart"\n`,
    );
    const run = spawnSync(
      'npx',
      ['tsx', 'src/cli/main.ts', 'start', '--config', config, '--run-for', '6', '--log', 'json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('*** DEMO MODE');
    const grid = run.stdout.split('\n');
    const header = grid.findIndex((l) => /^DEMO exchange \d+ {2}240 BPM/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    expect(grid[header + 1]).toMatch(/^CALL \(human\) bar \d+, 2 bar\(s\), ended by silence/);
    expect(grid.some((l) => /^ {2}kick {5}\|[·░▒▓█]{16}\|[·░▒▓█]{16}\|$/.test(l))).toBe(true);
    expect(grid.some((l) => l.startsWith('VOICE A'))).toBe(true);
    const recordings = join(dir, 'data', 'recordings');
    const files = readdirSync(recordings).filter((f) => f.endsWith('.mid'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const smf = readSmf(readFileSync(join(recordings, files[0] ?? '')));
    expect(smf.tracks.map((t) => t.name)).toEqual(['antiphon', 'call (human)', 'voice A']);
    expect(smf.tracks[1]?.notes.length).toBe(30);
    expect(smf.tempos[0]?.microsecondsPerBeat).toBe(250_000);
    const log = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; source?: string; reason?: string });
    // No UART: one line with the reason, and the box leads on its own clock regardless.
    expect(log.filter((l) => l.msg === 'DIN MIDI unavailable; retrying').map((l) => l.reason)).toEqual(['missing']);
    expect(log.find((l) => l.msg === 'clock source')?.source).toBe('internal');
    expect(log.some((l) => l.msg === 'response')).toBe(true);
    expect(log.some((l) => l.msg === 'antiphon stopped')).toBe(true);
  }, 90_000);
});
