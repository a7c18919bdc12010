import { describe, expect, it } from 'vitest';
import type { DrumWindow } from '../data/drum-windows.js';
import type { GridHit } from './groove.js';
import { applyGroove, cellFor } from './apply-groove.js';
import { GrooveTableError, validateGrooveTable } from './groove-table.js';
import { learnGroove } from './learn-groove.js';

/** A drummer who lays the snare back (+0.1 step) and plays ghost notes between. */
function playedWindows(): DrumWindow[] {
  const hits: DrumWindow['hits'][number][] = [];
  for (let bar = 0; bar < 40; bar++) {
    for (const pos of [4, 12])
      hits.push({ step: bar * 16 + pos, drumClass: 1, velocity: 110 + (bar % 5), offsetSteps: 0.1 + (bar % 3) * 0.01 });
    for (const pos of [7, 15])
      hits.push({ step: bar * 16 + pos, drumClass: 1, velocity: 30 + (bar % 4), offsetSteps: -0.05 });
    hits.push({ step: bar * 16, drumClass: 0, velocity: 100, offsetSteps: 0 });
  }
  return [{ file: 'x.mid', startStep: 0, events: new Uint16Array(640), hits }];
}

const hit = (step: number, pitch = 38): GridHit => ({ step, pitch, drumClass: 1 });

describe('groove', () => {
  it('learns velocity and timing per drum and bar position', () => {
    const table = learnGroove(playedWindows());
    const backbeat = cellFor(table, 1, 4);
    const ghost = cellFor(table, 1, 7);
    expect(backbeat.count).toBe(40);
    expect(backbeat.velocityMean).toBeCloseTo(112, 0);
    expect(backbeat.offsetMean).toBeCloseTo(0.11, 2);
    expect(ghost.velocityMean).toBeCloseTo(31.5, 0);
    expect(ghost.offsetMean).toBeCloseTo(-0.05, 6);
  });

  it('falls back to the whole class where a position was rarely played', () => {
    const table = learnGroove(playedWindows());
    expect(cellFor(table, 1, 2)).toBe(table.classFallback[1]); // never played at position 2
    expect(table.classFallback[1]?.count).toBe(160);
  });

  it('applies the feel: backbeats loud and late, ghosts soft, same seed same result', () => {
    const table = learnGroove(playedWindows());
    const hits = Array.from({ length: 200 }, (_, i) => hit(i % 2 === 0 ? 4 : 7));
    const a = applyGroove(hits, { kind: 'learned', table, seed: 7 });
    const b = applyGroove(hits, { kind: 'learned', table, seed: 7 });
    const c = applyGroove(hits, { kind: 'learned', table, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const loud = a.filter((_, i) => i % 2 === 0);
    const soft = a.filter((_, i) => i % 2 === 1);
    expect(mean(loud.map((n) => n.velocity))).toBeGreaterThan(100);
    expect(mean(soft.map((n) => n.velocity))).toBeLessThan(40);
    expect(mean(loud.map((n) => n.offsetSteps))).toBeCloseTo(0.11, 1);
    expect(new Set(loud.map((n) => n.velocity)).size).toBeGreaterThan(2); // human, not a constant
    for (const n of a) {
      expect(n.velocity).toBeGreaterThanOrEqual(1);
      expect(n.velocity).toBeLessThanOrEqual(127);
      expect(Math.abs(n.offsetSteps)).toBeLessThanOrEqual(0.45);
    }
  });

  it('off: every hit on the grid at one velocity', () => {
    const out = applyGroove([hit(4)], { kind: 'off', velocity: 96 });
    expect(out).toEqual([{ ...hit(4), velocity: 96, offsetSteps: 0 }]);
  });

  it('amount 0 keeps velocities but removes timing', () => {
    const table = learnGroove(playedWindows());
    const out = applyGroove([hit(4)], { kind: 'learned', table, seed: 1, amount: 0 });
    expect(out[0]?.offsetSteps).toBe(0);
    expect(out[0]?.velocity).toBeGreaterThan(90);
  });

  it('survives JSON and rejects a damaged table naming the field', () => {
    const table = learnGroove(playedWindows());
    expect(validateGrooveTable(JSON.parse(JSON.stringify(table)))).toEqual(table);
    const broken = JSON.parse(JSON.stringify(table)) as { cells: { velocityMean: unknown }[][] };
    const row = broken.cells[3];
    if (row?.[5]) row[5].velocityMean = 'loud';
    expect(() => validateGrooveTable(broken)).toThrow(GrooveTableError);
    expect(() => validateGrooveTable(broken)).toThrow('cells[3][5].velocityMean');
  });
});

describe('loadGrooveTable', () => {
  it('loads groove.json beside a model, and says why when it cannot', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadGrooveTable } = await import('./load-groove.js');
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-groove-'));
    expect((await loadGrooveTable(dir)).table).toBeUndefined();
    await writeFile(join(dir, 'groove.json'), '{"version": 2}');
    const bad = await loadGrooveTable(dir);
    expect(bad.table).toBeUndefined();
    expect('reason' in bad && bad.reason).toContain('version');
    await writeFile(join(dir, 'groove.json'), JSON.stringify(learnGroove(playedWindows())));
    expect((await loadGrooveTable(dir)).table?.version).toBe(1);
  });
});
