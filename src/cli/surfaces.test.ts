import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../system/config.js';
import { openSurfaces } from './surfaces.js';

describe('openSurfaces', () => {
  it('names one surface for each enabled section, before any surface module is loaded', () => {
    const { config } = resolveConfig(
      { web: { enabled: true }, push2: { enabled: false }, panel: { enabled: false }, synth: { enabled: true } },
      'test.toml',
    );
    expect(openSurfaces(config).map((s) => s.name)).toEqual(['web', 'synth']);
    const none = resolveConfig(
      { web: { enabled: false }, push2: { enabled: false }, panel: { enabled: false }, synth: { enabled: false } },
      'test.toml',
    ).config;
    expect(openSurfaces(none)).toEqual([]);
  });
});
