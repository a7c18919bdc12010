import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { resolveConfig } from '../system/config.js';
import { openSurfaces } from './surfaces.js';

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

const sections = (web: boolean, synth: boolean) =>
  resolveConfig(
    {
      web: { enabled: web, port: 0, bind: '127.0.0.1' },
      push2: { enabled: false },
      panel: { enabled: false },
      synth: { enabled: synth },
    },
    'test.toml',
  ).config;

describe('openSurfaces', () => {
  it('names one surface for each enabled section, before any surface module is loaded', () => {
    expect(openSurfaces(sections(true, true)).map((s) => s.name)).toEqual(['web', 'synth']);
    expect(openSurfaces(sections(false, false))).toEqual([]);
  });

  it("tells the page's address once the page listens (antiphon start prints it)", async () => {
    const told: (readonly string[])[] = [];
    sim = await startSimBox({ surfaces: openSurfaces(sections(true, false), { announcePage: (u) => told.push(u) }) });
    expect(told).toHaveLength(1);
    const [url] = told[0] ?? [];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(url ?? '')).status).toBe(200);
  });
});
