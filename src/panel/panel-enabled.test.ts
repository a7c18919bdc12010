import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { resolveConfig } from '../system/config.js';
import { Ads1115Sim } from './chip-sims.js';
import { SimI2CBus } from './i2c-sim.js';
import { SimInputSource } from './input-source.js';
import { openPanelSurfaces } from './open.js';
import { PANEL_SCHEMA } from './panel-config.js';
import { PanelSurface } from './panel-surface.js';

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

/** A box with the reference panel's config and only the parts given; the log is what it said. */
async function boxWith(
  enabled: boolean | 'auto',
  parts: { input?: string[]; adc?: boolean; leds?: string[] },
): Promise<{ s: SimBox; bus: SimI2CBus }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-panel-enabled-'));
  const ledsDir = mkdtempSync(join(tmpdir(), 'antiphon-leds-'));
  for (const id of parts.leds ?? []) {
    mkdirSync(join(ledsDir, `antiphon:${id}`));
    writeFileSync(join(ledsDir, `antiphon:${id}`, 'max_brightness'), '1');
    writeFileSync(join(ledsDir, `antiphon:${id}`, 'brightness'), '0');
  }
  const bus = new SimI2CBus(1, parts.adc === true || parts.input !== undefined);
  if (parts.adc) bus.plug(0x48, new Ads1115Sim());
  const panel = new PanelSurface({
    config: PANEL_SCHEMA.parse({ enabled, retry_ms: 500 }),
    dataDir,
    hardware: () => ({ input: new SimInputSource(parts.input ?? []), i2c: bus, ledsDir, missing: [] }),
  });
  const s = (sim = await startSimBox({ config: { data: { dir: dataDir } }, surfaces: [panel] }));
  await s.run(10_000); // chips retried many times over
  return { s, bus };
}

const panelLines = (s: SimBox, level: number): string[] =>
  s.logs.filter((l) => Number(l['level']) === level && /panel/.test(String(l['msg']))).map((l) => String(l['msg']));
const WARN = 40;
const INFO = 30;

describe('[panel] enabled', () => {
  it('defaults to "auto"; false opens no panel; a bad value is named and falls back to "auto"', () => {
    expect(PANEL_SCHEMA.parse({}).enabled).toBe('auto');
    expect(openPanelSurfaces(resolveConfig({ panel: { enabled: false } }, 'a.toml').config)).toEqual([]);
    expect(openPanelSurfaces(resolveConfig({}, 'a.toml').config)).toHaveLength(1);
    const bad = resolveConfig({ panel: { enabled: 'yes' } }, 'a.toml');
    expect(bad.config.panel.enabled).toBe('auto');
    expect(bad.problems.map((p) => p.path)).toContain('panel.enabled');
  });

  it('"auto" on a box without a panel: one info line, no warnings, ever', async () => {
    const { s } = await boxWith('auto', {});
    expect(panelLines(s, WARN)).toEqual([]);
    expect(panelLines(s, INFO)).toEqual(['no panel found; looking for it quietly ([panel] enabled = "auto")']);
  });

  it('"auto" with part of a panel: says which parts it found; a part found and then lost is a warning', async () => {
    const { s, bus } = await boxWith('auto', { input: ['platform-antiphon-keys-event'], adc: true, leds: ['beat'] });
    expect(panelLines(s, WARN)).toEqual([]);
    const line = s.logs.find((l) => l['msg'] === 'panel parts found') as
      { found: { inputs: string[]; chips: string[]; leds: string[] }; absent: { chips: string[] } } | undefined;
    expect(line?.found).toEqual({
      inputs: ['platform-antiphon-keys-event'],
      chips: ['ADS1115 0x48 on i2c-1'],
      leds: ['beat'],
    });
    expect(line?.absent.chips).toEqual(['PCA9685 0x40 on i2c-1']);
    bus.unplug(0x48);
    await s.run(1000);
    expect(panelLines(s, WARN)).toEqual(['panel chip does not answer; retrying, the rest of the panel works']);
  });

  it('true on a box without a panel: every missing part is a warning, once', async () => {
    const { s } = await boxWith(true, {});
    expect(panelLines(s, WARN).sort()).toEqual(
      [
        'no panel input devices (is the overlay loaded?); looking every 2 s',
        'panel chip does not answer; retrying, the rest of the panel works',
        'panel chip does not answer; retrying, the rest of the panel works',
        'panel LED cannot be set; retrying on the next change',
        'panel LED cannot be set; retrying on the next change',
        'panel LED cannot be set; retrying on the next change',
      ].sort(),
    );
  });
});
