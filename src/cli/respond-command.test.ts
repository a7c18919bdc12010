import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { bpm, TICKS_PER_STEP, ticks } from '../clock/units.js';
import { DEMO_CALL_GROOVE } from '../perform/demo-call.js';
import type { Exchange } from '../perform/engine-types.js';
import { exchangeToSmf } from '../record/exchange-smf.js';
import { readSmf } from '../record/smf-read.js';
import { respondCommand } from './respond-command.js';

const silent = pino({ level: 'silent' });

/** The demo call as a .mid file, as a desktop user would hand it in. */
function writeCall(dir: string): string {
  const notes = DEMO_CALL_GROOVE.map((h) => ({
    pitch: h.pitch,
    velocity: h.velocity,
    tick: ticks((16 + h.bar * 16 + h.step) * TICKS_PER_STEP + h.offsetMs / 20.833),
    durationTicks: ticks(3),
  }));
  const x: Exchange = {
    id: 0,
    mode: 'file',
    tempo: bpm(120),
    stepsPerBar: 16,
    call: { source: 'human', startBar: 1, bars: 2, endReason: 'n/a', notes, events: new Uint16Array() },
    turns: [],
  };
  const path = join(dir, 'call.mid');
  writeFileSync(path, exchangeToSmf(x));
  return path;
}

describe('antiphon respond', () => {
  it('answers a call file with the model engine: call and response tracks, the response on the bar after the call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-respond-'));
    const call = writeCall(dir);
    const out = join(dir, 'out.mid');
    const lines: string[] = [];
    const code = await respondCommand(
      [call, '-o', out, '--bars', '1', '--seed', '3', '--temperature', '0.8'],
      silent,
      (l) => void lines.push(l),
    );
    expect(code).toBe(0);
    const smf = readSmf(readFileSync(out), out);
    expect(smf.tracks.map((t) => t.name)).toEqual(['antiphon', 'call (human)', 'voice A']);
    expect(smf.tracks[1]?.notes).toHaveLength(DEMO_CALL_GROOVE.length);
    const response = smf.tracks[2]?.notes ?? [];
    const bar = 4 * smf.ticksPerBeat;
    // File bar 0 is the lead-in; the call fills file bars 1-2, so the answer sits in file bar 3.
    expect(response.length).toBeGreaterThan(0);
    expect(Math.min(...response.map((n) => n.startTick))).toBeGreaterThanOrEqual(3 * bar);
    expect(Math.max(...response.map((n) => n.startTick))).toBeLessThan(4 * bar);
    expect(Math.min(...(smf.tracks[1]?.notes ?? []).map((n) => n.startTick))).toBeGreaterThan(bar - 20);
    expect(response.every((n) => n.velocity > 0)).toBe(true);
    expect(smf.tracks[2]?.texts[0]).toMatch(/T=0\.800 log-likelihood -/);
    expect(lines.join('\n')).toContain('VOICE A');
  });

  it('is deterministic for a seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-respond-'));
    const call = writeCall(dir);
    const run = async (name: string, seed: string): Promise<unknown> => {
      await respondCommand([call, '-o', join(dir, name), '--seed', seed], silent, () => undefined);
      return readSmf(readFileSync(join(dir, name))).tracks[2]?.notes;
    };
    const a = await run('a.mid', '9');
    expect(await run('b.mid', '9')).toEqual(a);
    expect(await run('c.mid', '10')).not.toEqual(a);
  });

  it('refuses a bad option with the option named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-respond-'));
    const call = writeCall(dir);
    let err = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await respondCommand([call, '-o', join(dir, 'x.mid'), '--beam', 'wide'], silent, () => undefined)).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(err).toContain('--beam wide: expected a beam size 1..16');
  });
});
