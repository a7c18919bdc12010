import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../system/config.js';
import { ccToAction, paramsFromConfig } from './controls.js';
import { temperatureFromCc } from './params.js';

const cfg = resolveConfig({}, 'test').config.perform;
const cc = (controller: number, value: number) => ({ type: 'controlChange', channel: 0, controller, value }) as const;

describe('controls', () => {
  it('temperature follows Magenta\'s curve, 0.1 + v/127 * 1.9', () => {
    expect(temperatureFromCc(0)).toBeCloseTo(0.1);
    expect(temperatureFromCc(127)).toBeCloseTo(2.0);
    expect(ccToAction(cc(109, 64), cfg, ['default'])).toEqual({ kind: 'engine', control: { kind: 'voice', index: 0, settings: { temperature: 0.1 + (64 / 127) * 1.9 } } });
  });

  it('maps the call-and-response CCs: buttons on press, lengths in bars, model and mode by knob travel', () => {
    expect(ccToAction(cc(102, 127), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'endCall' } });
    expect(ccToAction(cc(102, 0), cfg, [])).toBeUndefined();
    expect(ccToAction(cc(103, 1), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'panic' } });
    expect(ccToAction(cc(104, 1), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'mutate' } });
    expect(ccToAction(cc(105, 127), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'loopResponse', on: true } });
    expect(ccToAction(cc(107, 4), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'set', params: { maxCallBars: 4 } } });
    expect(ccToAction(cc(108, 0), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'set', params: { responseBars: 0 } } });
    expect(ccToAction(cc(111, 127), cfg, ['a', 'b'])).toEqual({ kind: 'engine', control: { kind: 'voice', index: 0, settings: { model: 'b' } } });
    expect(ccToAction(cc(112, 50), cfg, [])).toEqual({ kind: 'engine', control: { kind: 'set', params: { mode: 'chain' } } });
    expect(ccToAction(cc(110, 80), cfg, [])).toEqual({ kind: 'tempo', bpm: 120 });
    expect(ccToAction(cc(1, 80), cfg, [])).toBeUndefined();
  });

  it('builds engine parameters from [perform], channels 1-based in the file', () => {
    const { config, problems } = resolveConfig({ perform: { mode: 'chain', voices: [{ name: 'A' }, { name: 'B', channel: 11, temperature: 1.5 }] } }, 'test');
    expect(problems).toEqual([]);
    const p = paramsFromConfig(config.perform, 7);
    expect(p.mode).toBe('chain');
    expect(p.seed).toBe(7);
    expect(p.voices.map((v) => [v.name, v.channel, v.temperature])).toEqual([['A', 9, 1], ['B', 10, 1.5]]);
  });

  it('a bad [perform] value costs only that section, with its path', () => {
    const { config, problems } = resolveConfig({ perform: { silence_bars: 0 } }, 'antiphon.toml');
    expect(problems[0]?.path).toBe('perform.silence_bars');
    expect(config.perform.silence_bars).toBe(1);
  });
});
