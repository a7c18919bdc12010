import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveConfig } from './config.js';

describe('config', () => {
  it('gives defaults when there is no file', () => {
    const { config, problems } = loadConfig(join(tmpdir(), 'definitely-missing.toml'));
    expect(problems).toEqual([]);
    expect(config.devices.drum_channel).toBe(10);
    expect(config.devices.poll_ms).toBe(250);
  });

  it('reads valid values', () => {
    const { config, problems } = resolveConfig(
      { devices: { drum_channel: 1, roles: [{ match: 'MPD', roles: ['human', 'voice:A'] }] } },
      'antiphon.toml',
    );
    expect(problems).toEqual([]);
    expect(config.devices.drum_channel).toBe(1);
    expect(config.devices.roles[0]?.roles).toEqual(['human', 'voice:A']);
  });

  it('names the file and key of a bad value and keeps the section on defaults', () => {
    const { config, problems } = resolveConfig(
      { devices: { drum_channel: 17 }, log: { level: 'info' } },
      '/boot/antiphon.toml',
    );
    expect(config.devices.drum_channel).toBe(10);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: '/boot/antiphon.toml', path: 'devices.drum_channel' });
  });

  it('reports unknown sections, unknown keys and bad roles', () => {
    const { problems } = resolveConfig(
      { devicez: {}, devices: { pol_ms: 3, roles: [{ match: 'x', roles: ['drummer'] }] } },
      'a.toml',
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('devicez');
    expect(paths.some((p) => p.startsWith('devices'))).toBe(true);
  });

  it('reads [clock] and [din], with safe defaults and a bad source named', () => {
    const { config: d } = resolveConfig({}, 'antiphon.toml');
    expect(d.clock).toEqual({ source: 'auto', thru: true, lost_after_ms: 1000 });
    expect(d.din).toEqual({ enabled: true, device: '/dev/ttyAMA0', roles: ['clock-in', 'clock-out'] });
    const { config, problems } = resolveConfig(
      {
        clock: { source: 'external', thru: false, lost_after_ms: 400 },
        din: { device: '/dev/ttyUSB0', roles: ['human', 'thru', 'clock-out'] },
      },
      'antiphon.toml',
    );
    expect(problems).toEqual([]);
    expect(config.clock).toEqual({ source: 'external', thru: false, lost_after_ms: 400 });
    expect(config.din.roles).toEqual(['human', 'thru', 'clock-out']);
    const bad = resolveConfig({ clock: { source: 'midi' } }, 'antiphon.toml');
    expect(bad.problems.map((p) => p.path)).toEqual(['clock.source']);
    expect(bad.config.clock.source).toBe('auto');
  });

  it('survives a file that is not TOML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-config-'));
    const file = join(dir, 'antiphon.toml');
    writeFileSync(file, '[devices\ndrum_channel = ');
    const { config, problems } = loadConfig(file);
    expect(config.devices.drum_channel).toBe(10);
    expect(problems[0]?.message).toMatch(/not valid TOML/);
    expect(problems[0]?.file).toBe(file);
  });
});
