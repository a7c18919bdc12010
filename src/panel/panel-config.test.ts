import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../system/config.js';
import { defaultPanelConfig } from './panel-config.js';

describe('[panel] in antiphon.toml', () => {
  it('defaults to the reference panel of hardware/pinmap.json', () => {
    const { config, problems } = resolveConfig({}, 'a.toml');
    expect(problems).toEqual([]);
    expect(config.panel).toEqual(defaultPanelConfig());
    expect(config.panel.encoders.map((e) => e.param)).toContain('temperature');
    expect(config.panel.leds.map((l) => l.show)).toEqual(
      expect.arrayContaining(['listening', 'answering', 'beat', 'clock', 'recording', 'error']),
    );
  });

  it('a bad key falls back alone, reported with its path; a bad control is dropped and named', () => {
    const { config, problems } = resolveConfig(
      {
        panel: {
          input: 'gpio',
          pot_poll_ms: 'fast',
          encoders: [
            { id: 'enc1', axis: 0, param: 'temperature' },
            { id: 'enc2', axis: 1, param: 'no_such_thing' },
          ],
          leds: [{ id: 'x', show: 'beat', pin: 11, pca9685: 2 }],
        },
      },
      'a.toml',
    );
    expect(config.panel.input).toBe('gpio');
    expect(config.panel.pot_poll_ms).toBe(20);
    expect(config.panel.encoders.map((e) => e.id)).toEqual(['enc1']);
    expect(config.panel.leds).toEqual([]);
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('panel.pot_poll_ms');
    expect(problems.some((p) => p.path === 'panel.encoders.1' && /dropped: param/.test(p.message))).toBe(true);
    expect(
      problems.some((p) => p.path.startsWith('panel.leds.0') && /exactly one of pin or pca9685/.test(p.message)),
    ).toBe(true);
  });
});
