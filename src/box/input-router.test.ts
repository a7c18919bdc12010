import { describe, expect, it } from 'vitest';
import { CcMap } from '../control/cc-map.js';
import { DEFAULT_CC_MAP } from '../system/config.js';
import { routeInput } from './input-router.js';

const rules = { cc: new CcMap(DEFAULT_CC_MAP), endCallNote: 51 };
const on = (note: number, velocity = 100) => ({ type: 'noteOn', channel: 9, note, velocity }) as const;
const human = { roles: ['human'], ccMapped: true } as const;

describe('input routing by role', () => {
  it("the human's note-ons are hits and are echoed to thru; its note-offs are only echoed", () => {
    expect(routeInput(human, on(36), rules)).toEqual([
      { kind: 'thru', message: on(36) },
      { kind: 'hit', pitch: 36, velocity: 100 },
    ]);
    expect(routeInput(human, on(36, 0), rules)).toEqual([{ kind: 'thru', message: on(36, 0) }]);
    expect(routeInput(human, { type: 'noteOff', channel: 9, note: 36, velocity: 0 }, rules)).toHaveLength(1);
  });

  it('notes from a device that is not the human are not hits', () => {
    expect(routeInput({ roles: ['response'], ccMapped: true }, on(36), rules)).toEqual([]);
    expect(routeInput({ roles: [], ccMapped: true }, on(36), rules)).toEqual([]);
  });

  it('the end-call pad is a command, not a hit', () => {
    expect(routeInput(human, on(51), rules)).toEqual([
      { kind: 'command', command: { kind: 'endCall', source: 'pad' } },
    ]);
  });

  it('clock bytes count only from a clock-in', () => {
    expect(routeInput({ roles: ['clock-in'], ccMapped: true }, { type: 'clock' }, rules)).toEqual([{ kind: 'clock' }]);
    expect(routeInput(human, { type: 'start' }, rules)).toEqual([]);
  });

  it("a surface's device: notes outside its pads are not hits, and its CCs are the surface's, not the CC map's", () => {
    const push2 = { roles: ['human'], padNotes: { min: 36, max: 99 }, ccMapped: false } as const;
    expect(routeInput(push2, on(3), rules)).toEqual([]);
    expect(routeInput(push2, on(36), rules).map((r) => r.kind)).toEqual(['thru', 'hit']);
    expect(routeInput(push2, { type: 'controlChange', channel: 0, controller: 103, value: 127 }, rules)).toEqual([]);
  });

  it('a CC from any device goes through the CC map', () => {
    const cc = { type: 'controlChange', channel: 0, controller: 109, value: 0 } as const;
    expect(routeInput({ roles: [], ccMapped: true }, cc, rules)).toEqual([
      { kind: 'command', command: { kind: 'position', param: 'temperature', position: 0, source: 'cc' } },
    ]);
    expect(routeInput(human, { ...cc, controller: 7 }, rules)).toEqual([]);
  });
});
