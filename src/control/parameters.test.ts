import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SAMPLING } from '../perform/generator-port.js';
import { DEFAULT_CC_MAP, resolveConfig } from '../system/config.js';
import { parseCcTarget } from './cc-map.js';
import { checkValue, formatValue, nudgeValue, positionOf, valueAtPosition } from './parameter-math.js';
import { ParameterStore } from './parameter-store.js';
import { GLOBAL_PARAMETERS, PARAMETERS, VOICE_PARAMETERS, parameterNamed, type NumberParameter } from './parameters.js';

const ctx = { models: ['default', 'other'] };
const numbers = PARAMETERS.filter((p): p is NumberParameter => p.kind === 'number');

describe('the parameter registry', () => {
  it('is where config gets its keys and defaults: an empty antiphon.toml gives every default', () => {
    const { config, problems } = resolveConfig({}, 'antiphon.toml');
    expect(problems).toEqual([]);
    for (const p of GLOBAL_PARAMETERS) expect(config.perform.parameters.global[p.name]).toEqual(p.default);
    for (const p of VOICE_PARAMETERS) expect(config.perform.parameters.voices[0]?.values[p.name]).toEqual(p.default);
  });

  it('config accepts exactly the range the registry gives, at both ends, and refuses one step beyond', () => {
    for (const p of numbers) {
      const place =
        p.scope === 'global'
          ? (v: number) => ({ perform: { [p.name]: v } })
          : (v: number) => ({ perform: { voices: [{ name: 'A', [p.name]: v }] } });
      for (const ok of [p.min, p.max])
        expect(resolveConfig(place(ok), 'a.toml').problems, `${p.name}=${ok}`).toEqual([]);
      for (const bad of [p.min - p.step, p.max + p.step])
        expect(resolveConfig(place(bad), 'a.toml').problems.length, `${p.name}=${bad}`).toBe(1);
    }
  });

  it('every default CC target is a registry parameter or a button, and every parameter except text ones can be CC-mapped', () => {
    for (const key of Object.keys(DEFAULT_CC_MAP)) expect(parseCcTarget(key), key).toBeDefined();
    for (const p of PARAMETERS) expect(parseCcTarget(p.name)?.kind, p.name).toBe('parameter');
    for (const p of PARAMETERS) expect(p.short.length, p.name).toBeLessThanOrEqual(8);
    expect(new Set(PARAMETERS.map((p) => p.name)).size).toBe(PARAMETERS.length);
  });

  it('knob positions and values round-trip, and any position gives a value config would accept', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PARAMETERS.filter((p) => p.kind !== 'text')),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, x) => {
          const v = valueAtPosition(p, x, ctx);
          expect(v).toBeDefined();
          expect(checkValue(p, v, ctx).ok).toBe(true);
          if (p.kind === 'number' && !p.integer)
            expect(valueAtPosition(p, positionOf(p, v as number, ctx), ctx)).toBeCloseTo(v as number, 6);
        },
      ),
    );
  });

  it('encoder detents move by the step, a tenth of it when fine, and stop at the ends', () => {
    const t = parameterNamed('temperature');
    if (!t) throw new Error('temperature not registered');
    expect(nudgeValue(t, 1, 2, false, ctx)).toBeCloseTo(1.1);
    expect(nudgeValue(t, 1, 2, true, ctx)).toBeCloseTo(1.01);
    expect(nudgeValue(t, 1.98, 5, false, ctx)).toBe(2);
    const mode = parameterNamed('mode');
    if (!mode) throw new Error('mode not registered');
    expect(nudgeValue(mode, 'answer', 1, false, ctx)).toBe('chain');
    expect(nudgeValue(mode, 'loop', 3, false, ctx)).toBe('loop');
  });

  it('prints values as a musician reads them', () => {
    const fmt = (name: string, v: number | string) => {
      const p = parameterNamed(name);
      if (!p) throw new Error(name);
      return formatValue(p, v);
    };
    expect(fmt('tempo_bpm', 120)).toBe('120.0 BPM');
    expect(fmt('response_bars', 0)).toBe('call');
    expect(fmt('top_k', 0)).toBe('off');
    expect(fmt('swing', 58)).toBe('58%');
    expect(fmt('temperature', 0.85)).toBe('0.85');
  });

  it('the store applies commands per voice, refuses what the registry refuses, and reports only real changes', () => {
    const store = new ParameterStore(
      {
        global: {},
        voices: [
          { name: 'A', values: {} },
          { name: 'B', values: {} },
        ],
      },
      ctx,
    );
    expect(store.apply({ kind: 'nudge', param: 'beam', voice: 'B', steps: 3, source: 'test' })).toEqual({
      param: 'beam',
      voice: 'B',
      value: 4,
      previous: 1,
    });
    expect(store.get('beam', 'A')).toBe(1);
    expect(store.apply({ kind: 'set', param: 'mode', value: 'answer', source: 'test' })).toBeUndefined();
    expect(() => store.apply({ kind: 'set', param: 'mode', value: 'jam', source: 'web' })).toThrow(
      'web: mode: expected one of answer, chain, loop, got "jam"',
    );
    expect(() => store.apply({ kind: 'reset', param: 'beam', voice: 'C', source: 'test' })).toThrow(
      "beam: no voice named 'C'",
    );
    expect(store.apply({ kind: 'reset', param: 'beam', voice: 'B', source: 'test' })?.value).toBe(1);
  });
});

describe('config, key by key', () => {
  it('a typo in tempo_bpm costs only the tempo: the voices stay as written', () => {
    const { config, problems } = resolveConfig(
      {
        perform: {
          tempo_bpm: 'fast',
          mode: 'chain',
          voices: [{ name: 'A' }, { name: 'B', temperature: 1.5, channel: 11 }],
        },
      },
      'antiphon.toml',
    );
    expect(problems).toEqual([
      { file: 'antiphon.toml', path: 'perform.tempo_bpm', message: expect.stringContaining('number') as string },
    ]);
    expect(config.perform.parameters.global['tempo_bpm']).toBe(120);
    expect(config.perform.parameters.global['mode']).toBe('chain');
    expect(config.perform.parameters.voices.map((v) => [v.name, v.values['temperature'], v.values['channel']])).toEqual(
      [
        ['A', DEFAULT_SAMPLING.temperature, 10],
        ['B', 1.5, 11],
      ],
    );
  });

  it('a bad value inside one voice falls back for that key; a voice without a name is dropped and named', () => {
    const { config, problems } = resolveConfig(
      { perform: { voices: [{ name: 'A', temperature: 7, beam: 4 }, { model: 'x' }] } },
      'a.toml',
    );
    expect(problems.map((p) => p.path)).toEqual(['perform.voices.0.temperature', 'perform.voices.1']);
    expect(config.perform.parameters.voices.map((v) => [v.name, v.values['temperature'], v.values['beam']])).toEqual([
      ['A', DEFAULT_SAMPLING.temperature, 4],
    ]);
  });

  it('duplicate voice names and unknown CC targets are refused with their path', () => {
    const { config, problems } = resolveConfig(
      { perform: { voices: [{ name: 'A' }, { name: 'A' }], cc: { temprature: 20, 'swing@A': 21 } } },
      'a.toml',
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      'perform.cc.swing@A',
      'perform.cc.temprature',
      'perform.voices',
    ]);
    expect(config.perform.parameters.voices.map((v) => v.name)).toEqual(['A']);
    expect(config.perform.cc['temperature']).toBe(109);
  });
});
