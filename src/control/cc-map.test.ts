import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING } from '../perform/generator-port.js';
import { DEFAULT_CC_MAP } from '../system/config.js';
import { CcMap, buttonKey, parseCcTarget } from './cc-map.js';
import { ParameterStore } from './parameter-store.js';
import type { ParameterCommand } from './commands.js';

const cc = (controller: number, value: number) => ({ type: 'controlChange', channel: 0, controller, value }) as const;
const map = new CcMap(DEFAULT_CC_MAP);
const store = (models = ['a', 'b']) =>
  new ParameterStore(
    {
      global: {},
      voices: [
        { name: 'A', values: { model: 'a' } },
        { name: 'B', values: { model: 'a' } },
      ],
    },
    { models },
  );
/** What a CC does to the registry: the changed value, as the store applies it. */
const valueAfter = (controller: number, value: number, s = store()) => {
  const command = map.commandFor(cc(controller, value));
  if (!command || !('param' in command)) return command;
  return s.apply(command as ParameterCommand)?.value;
};

describe("CC map (Magenta's interface controls, through the registry)", () => {
  it("temperature follows Magenta's curve, 0.1 + v/127 * 1.9", () => {
    expect(valueAfter(109, 0)).toBeCloseTo(0.1);
    expect(valueAfter(109, 64)).toBeCloseTo(0.1 + (64 / 127) * 1.9);
    expect(valueAfter(109, 127)).toBeCloseTo(2);
  });

  it('buttons act on press only', () => {
    expect(map.commandFor(cc(102, 127))).toEqual({ kind: 'endCall', source: 'cc' });
    expect(map.commandFor(cc(102, 0))).toBeUndefined();
    expect(map.commandFor(cc(103, 1))).toEqual({ kind: 'panic', source: 'cc' });
    expect(map.commandFor(cc(104, 1))).toEqual({ kind: 'mutate', source: 'cc' });
  });

  it('lengths take the value in bars, loop is on from 64, model and mode split the travel, tempo is 40 + v', () => {
    expect(valueAfter(105, 64)).toBe(true);
    expect(valueAfter(105, 63)).toBeUndefined(); // already off
    expect(valueAfter(107, 4)).toBe(4);
    expect(valueAfter(106, 0)).toBeUndefined(); // clamped to 1, the default
    expect(valueAfter(108, 3)).toBe(3);
    expect(valueAfter(111, 127)).toBe('b');
    expect(valueAfter(111, 63)).toBeUndefined(); // 'a', already set
    expect(valueAfter(112, 50)).toBe('chain');
    expect(valueAfter(112, 127)).toBe('loop');
    expect(valueAfter(110, 80)).toBeUndefined(); // 40 + 80 = 120, already the tempo
    expect(valueAfter(110, 100)).toBe(140);
    expect(map.commandFor(cc(1, 80))).toBeUndefined();
  });

  it('addresses a voice by name with name@VOICE; the plain name drives the first voice', () => {
    const m = new CcMap({ ...DEFAULT_CC_MAP, 'temperature@B': 20 });
    const s = store();
    const b = m.commandFor(cc(20, 127));
    expect(b).toEqual({ kind: 'position', param: 'temperature', voice: 'B', position: 1, source: 'cc' });
    expect(s.apply(b as ParameterCommand)).toMatchObject({ voice: 'B', value: 2 });
    expect(s.get('temperature', 'A')).toBe(DEFAULT_SAMPLING.temperature);
    expect(s.apply(m.commandFor(cc(109, 0)) as ParameterCommand)).toMatchObject({ voice: 'A' });
  });

  it('reads targets and refuses what is not one', () => {
    expect(parseCcTarget('top_p@B')).toEqual({ kind: 'parameter', param: 'top_p', voice: 'B' });
    expect(parseCcTarget('state_out')).toEqual({ kind: 'state-out' });
    expect(parseCcTarget('tempo_bpm@B')).toBeUndefined(); // a global has no voice
    expect(parseCcTarget('temprature')).toBeUndefined();
    expect(parseCcTarget('temperature@')).toBeUndefined();
    expect(map.stateOut).toBe(113);
  });

  it("the transport's buttons have no controller by default, so Magenta's map is unchanged; mapped, they play, stop, arm and undo", () => {
    for (let c = 0; c < 128; c++)
      expect(map.commandFor(cc(c, 127))?.kind ?? 'none').not.toMatch(/^(transport|recordArm|undo)$/);
    const m = new CcMap({ ...DEFAULT_CC_MAP, play: 114, stop: 115, record_arm: 116, undo: 117 });
    expect([114, 115, 116, 117].map((c) => m.commandFor(cc(c, 127)))).toEqual([
      { kind: 'transport', play: true, source: 'cc' },
      { kind: 'transport', play: false, source: 'cc' },
      { kind: 'recordArm', armed: 'toggle', source: 'cc' },
      { kind: 'undo', source: 'cc' },
    ]);
    expect(m.commandFor(cc(114, 0))).toBeUndefined();
    expect(m.commandFor(cc(102, 127))).toEqual({ kind: 'endCall', source: 'cc' });
    expect(buttonKey('recordArm')).toBe('record_arm');
  });

  it('MIDI-learn replaces what a controller drove', () => {
    const m = new CcMap(DEFAULT_CC_MAP);
    m.learn(109, { kind: 'parameter', param: 'swing' });
    expect(m.commandFor(cc(109, 127))).toMatchObject({ kind: 'position', param: 'swing' });
  });
});
