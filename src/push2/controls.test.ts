import { describe, expect, it } from 'vitest';
import type { BoxCommand } from '../control/commands.js';
import { defaultGlobals, defaultVoice, type ParameterState } from '../control/parameter-store.js';
import type { MidiMessage } from '../midi/message.js';
import { buttonLights } from './button-lights.js';
import { PANIC_CONFIRM_MS, Push2Controls } from './controls.js';
import { EncoderTurns, encoderPages } from './encoder-pages.js';
import { ANIMATION, BUTTON, LOWER_ROW, decodeRelative } from './protocol.js';
import { GREEN_INDEX, PLAYHEAD_INDEX, RED_INDEX, WHITE_BUTTON } from './palette.js';
import type { EngineState } from '../perform/engine-types.js';
import type { TransportStatus } from '../box/bus-types.js';
import { TapTempo } from './tap-tempo.js';

const cc = (controller: number, value: number): MidiMessage => ({
  type: 'controlChange',
  channel: 0,
  controller,
  value,
});
const note = (n: number, velocity: number): MidiMessage => ({ type: 'noteOn', channel: 0, note: n, velocity });
const state = (mode = 'answer'): ParameterState => ({
  global: { ...defaultGlobals(), mode },
  voices: [
    { name: 'A', values: defaultVoice() },
    { name: 'B', values: defaultVoice() },
  ],
});

/** The box state the button lights read: the engine and the transport (playing, armed, nothing to undo unless told). */
const box = (engine: EngineState, transport: Partial<TransportStatus> = {}) => ({
  engine,
  transport: { playing: true, recordArmed: true, undoDepth: 0, ...transport },
});

function controls(mode = 'answer') {
  const c = new Push2Controls(() => state(mode));
  const commands = (m: MidiMessage, at = 0): BoxCommand[] => c.handle(m, at).commands;
  return { c, commands };
}

describe('encoders', () => {
  it("reads relative values as 7-bit two's complement", () => {
    expect([decodeRelative(1), decodeRelative(63), decodeRelative(127), decodeRelative(64), decodeRelative(0)]).toEqual(
      [1, 63, -1, -64, 0],
    );
  });

  it('has pages whose first drives the two temperatures, lengths, top-p, groove, mode and model', () => {
    const [play] = encoderPages(['A', 'B']);
    expect(play?.slots.map((s) => (s ? `${s.param}${s.voice ? `@${s.voice}` : ''}` : '-'))).toEqual([
      'temperature@A',
      'temperature@B',
      'response_bars',
      'max_call_bars',
      'top_p@A',
      'groove',
      'mode',
      'model@A',
    ]);
    expect(encoderPages(['A'])[1]?.slots.slice(4)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("nudges the slot's parameter, fine under shift", () => {
    const { commands } = controls();
    expect(commands(cc(71, 2))).toEqual([
      { kind: 'nudge', param: 'temperature', voice: 'A', steps: 2, fine: false, source: 'push2' },
    ]);
    commands(cc(BUTTON.shift, 127));
    expect(commands(cc(72, 127))).toEqual([
      { kind: 'nudge', param: 'temperature', voice: 'B', steps: -1, fine: true, source: 'push2' },
    ]);
  });

  it('needs several ticks for a choice or a whole number, and turning back starts afresh', () => {
    const turns = new EncoderTurns();
    const mode = { param: 'mode' };
    expect([1, 1, 1, 1, 1, 1, 1].map((t) => turns.turn(mode, t, false))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(turns.turn(mode, 1, false)).toBe(1);
    expect(turns.turn({ param: 'max_call_bars' }, 7, false)).toBe(2);
    expect(turns.turn({ param: 'max_call_bars' }, -1, false)).toBe(0);
    expect(turns.turn({ param: 'max_call_bars' }, -2, false)).toBe(-1);
    expect(turns.turn({ param: 'max_call_bars' }, 3, true)).toBe(0); // fine: 6 ticks a bar
  });

  it('drives tempo, swing and volume from their own encoders', () => {
    const { commands } = controls();
    expect(commands(cc(14, 1))[0]).toMatchObject({ kind: 'nudge', param: 'tempo_bpm', steps: 1 });
    expect(commands(cc(15, 127))[0]).toMatchObject({ kind: 'nudge', param: 'swing', steps: -1 });
    expect(commands(cc(79, 5))[0]).toMatchObject({ kind: 'nudge', param: 'volume', steps: 5 });
  });

  it('switches pages with the buttons below the display, and shows a touched encoder', () => {
    const { c } = controls();
    expect(c.handle(cc(LOWER_ROW[2], 127), 0).changed).toBe(true);
    expect(c.view.page).toBe(2);
    expect(c.slot(0)).toEqual({ param: 'min_call_bars' });
    expect(c.handle(cc(LOWER_ROW[7], 127), 0).changed).toBe(false); // no eighth page
    c.handle(note(0, 127), 0);
    expect(c.view.touched).toEqual({ param: 'min_call_bars' });
    c.handle(note(0, 0), 0);
    expect(c.view.touched).toBeUndefined();
    c.handle(note(10, 127), 0);
    expect(c.view.touched).toEqual({ param: 'tempo_bpm' });
  });
});

describe('buttons', () => {
  it('act on press only: end call, mutate, mode steps round', () => {
    const { commands } = controls('loop');
    expect(commands(cc(BUTTON.endCall, 127))).toEqual([{ kind: 'endCall', source: 'push2' }]);
    expect(commands(cc(BUTTON.endCall, 0))).toEqual([]);
    expect(commands(cc(BUTTON.mutate, 127))).toEqual([{ kind: 'mutate', source: 'push2' }]);
    expect(commands(cc(BUTTON.mode, 127))).toEqual([{ kind: 'set', param: 'mode', value: 'answer', source: 'push2' }]);
    expect(controls('answer').commands(cc(BUTTON.mode, 127))[0]).toMatchObject({ value: 'chain' });
  });

  it('panic needs a second press within the confirmation time', () => {
    const { c, commands } = controls();
    expect(commands(cc(BUTTON.panic, 127), 1000)).toEqual([]);
    expect(c.view.panicArmedUntil).toBe(1000 + PANIC_CONFIRM_MS);
    expect(commands(cc(BUTTON.panic, 127), 2000)).toEqual([{ kind: 'panic', source: 'push2' }]);
    expect(c.view.panicArmedUntil).toBeUndefined();
    commands(cc(BUTTON.panic, 127), 10_000);
    expect(c.expire(10_000 + PANIC_CONFIRM_MS - 1)).toBe(false);
    expect(c.expire(10_000 + PANIC_CONFIRM_MS)).toBe(true);
    expect(commands(cc(BUTTON.panic, 127), 20_000)).toEqual([]); // armed afresh, not fired
  });

  it('tap tempo sets the tempo of the taps', () => {
    const { commands } = controls();
    expect(commands(cc(BUTTON.tapTempo, 127), 0)).toEqual([]);
    expect(commands(cc(BUTTON.tapTempo, 127), 500)).toEqual([
      { kind: 'set', param: 'tempo_bpm', value: 120, source: 'push2' },
    ]);
    expect(commands(cc(BUTTON.tapTempo, 127), 1100)[0]).toMatchObject({ value: 109.1 });
  });

  it('play, record and undo ask for the transport, the record arm and undo', () => {
    const { commands } = controls();
    expect(commands(cc(BUTTON.play, 127))).toEqual([{ kind: 'transport', play: 'toggle', source: 'push2' }]);
    expect(commands(cc(BUTTON.play, 0))).toEqual([]);
    expect(commands(cc(BUTTON.record, 127))).toEqual([{ kind: 'recordArm', armed: 'toggle', source: 'push2' }]);
    expect(commands(cc(BUTTON.undo, 127))).toEqual([{ kind: 'undo', source: 'push2' }]);
    expect([BUTTON.play, BUTTON.record, BUTTON.undo]).toEqual([85, 86, 119]);
  });

  it('lights show state: stop blinks while listening, mute blinks while armed, the page is white', () => {
    const { c } = controls();
    const listening = buttonLights(c.view, box('listening'));
    expect(listening.find((l) => l.cc === BUTTON.endCall)?.channel).toBe(ANIMATION.blinkQuarter);
    c.handle(cc(BUTTON.panic, 127), 0);
    expect(buttonLights(c.view, box('idle')).find((l) => l.cc === BUTTON.panic)).toMatchObject({
      value: 127,
      channel: ANIMATION.blinkEighth,
    });
    expect(buttonLights(c.view, box('idle')).find((l) => l.cc === LOWER_ROW[0])?.value).toBe(122);
  });

  it('play pulses green while playing, record is red while armed and pulses while listening, undo is lit when it can go back', () => {
    const { c } = controls();
    const light = (cc: number, b: ReturnType<typeof box>) => buttonLights(c.view, b).find((l) => l.cc === cc);
    expect(light(BUTTON.play, box('idle'))).toMatchObject({ value: GREEN_INDEX, channel: ANIMATION.pulseQuarter });
    expect(light(BUTTON.play, box('idle', { playing: false }))).toMatchObject({ value: PLAYHEAD_INDEX, channel: 0 });
    expect(light(BUTTON.record, box('idle'))).toMatchObject({ value: RED_INDEX, channel: 0 });
    expect(light(BUTTON.record, box('listening'))).toMatchObject({ value: RED_INDEX, channel: ANIMATION.pulseQuarter });
    expect(light(BUTTON.record, box('listening', { recordArmed: false }))).toMatchObject({
      value: PLAYHEAD_INDEX,
      channel: 0,
    });
    expect(light(BUTTON.undo, box('idle'))?.value).toBe(WHITE_BUTTON.off);
    expect(light(BUTTON.undo, box('idle', { undoDepth: 2 }))?.value).toBe(WHITE_BUTTON.on);
  });
});

describe('tap tempo', () => {
  it('averages up to four intervals and starts afresh after a pause', () => {
    const t = new TapTempo();
    expect(t.tap(0)).toBeUndefined();
    expect(t.tap(600)).toBe(100);
    expect(t.tap(1100)).toBe(109.1);
    expect(t.tap(5000)).toBeUndefined();
    expect(t.tap(5250)).toBe(240);
  });
});
