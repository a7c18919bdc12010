import { describe, expect, it } from 'vitest';
import type { BoxEvent, BoxProblem } from '../box/bus-types.js';
import type { Exchange } from '../perform/engine-types.js';
import { BLINKS_PER_CODE, countBlinks, cycleMs } from './blink-patterns.js';
import { LedState, type LedSpec } from './led-state.js';

const SPECS: LedSpec[] = [
  { id: 'listen', show: 'listening' },
  { id: 'a', show: 'answering', voice: 'A' },
  { id: 'b', show: 'answering', voice: 'B' },
  { id: 'beat', show: 'beat' },
  { id: 'clock', show: 'clock' },
  { id: 'rec', show: 'recording' },
  { id: 'err', show: 'error' },
];

const engine = (state: 'idle' | 'listening' | 'responding'): BoxEvent => ({ kind: 'engine', state });
const exchange = (turns: { voice: string; startBar: number; bars: number }[]): BoxEvent => ({
  kind: 'exchange',
  exchange: {
    id: 1,
    mode: 'chain',
    tempo: 120,
    stepsPerBar: 16,
    call: { source: 'human', startBar: 0, bars: 2, endReason: 'silence', notes: [], events: new Uint16Array() },
    turns: turns.map((t) => ({
      ...t,
      model: 'm',
      notes: [],
      events: new Uint16Array(),
      temperature: 1,
      logLikelihood: { total: 0, perStep: 0 },
      primerLogLikelihood: { total: 0, perStep: 0 },
      slippedBars: 0,
    })),
  } as unknown as Exchange,
});
const problem = (code: BoxProblem['code'], level: BoxProblem['level'] = 'error', atMs = 0): BoxEvent => ({
  kind: 'problem',
  problem: { code, level, message: 'x', atMs },
});

describe('LedState', () => {
  it('shows listening, recording and each voice answering in its own bars', () => {
    const s = new LedState(SPECS);
    expect(s.levels(0).get('listen')).toBeLessThan(0.5); // idle: a glow on PWM, off on GPIO
    s.event(engine('listening'), 0);
    expect(s.levels(0).get('listen')).toBe(1);
    expect(s.levels(0).get('rec')).toBe(1);
    s.event(engine('responding'), 4000);
    s.event({ kind: 'generated', voice: 'A', model: 'm', steps: 32, ms: 20 }, 4000);
    expect([s.levels(4000).get('a'), s.levels(4000).get('b')]).toEqual([1, 0]);
    s.event(
      exchange([
        { voice: 'A', startBar: 2, bars: 2 },
        { voice: 'B', startBar: 4, bars: 2 },
      ]),
      4010,
    );
    expect(s.levels(4010).get('rec')).toBe(0);
    s.beat(2, 0, 4000);
    expect([s.levels(4100).get('a'), s.levels(4100).get('b')]).toEqual([1, 0]);
    s.beat(4, 0, 8000);
    expect([s.levels(8100).get('a'), s.levels(8100).get('b')]).toEqual([0, 1]);
    s.event(engine('idle'), 12000);
    expect([s.levels(12000).get('a'), s.levels(12000).get('b')]).toEqual([0, 0]);
  });

  it('flashes the beat LED from the beat time for the flash length, brighter on the downbeat', () => {
    const s = new LedState(SPECS, { beatFlashMs: 60, errorShowMs: 60_000 });
    s.beat(3, 0, 1000);
    expect(s.levels(999).get('beat')).toBe(0);
    expect(s.levels(1000).get('beat')).toBe(1);
    expect(s.levels(1059).get('beat')).toBe(1);
    expect(s.levels(1060).get('beat')).toBe(0);
    s.beat(3, 1, 1500);
    expect(s.levels(1500).get('beat')).toBe(0.5);
  });

  it('lights the clock LED while an external clock is locked', () => {
    const s = new LedState(SPECS);
    s.event({ kind: 'clock', clock: { source: 'external', mode: 'auto', tempo: 120, locked: true } }, 0);
    expect(s.levels(0).get('clock')).toBe(1);
    s.event({ kind: 'clock', clock: { source: 'internal', mode: 'auto', tempo: 120, locked: false } }, 10);
    expect(s.levels(10).get('clock')).toBe(0);
  });

  it('blinks a distinct count per problem code, and stops after the show time', () => {
    const counts = new Map<string, number>();
    for (const code of Object.keys(BLINKS_PER_CODE) as BoxProblem['code'][]) {
      const s = new LedState(SPECS);
      s.event(problem(code), 0);
      const n = BLINKS_PER_CODE[code];
      const samples = Array.from({ length: cycleMs(n) / 10 }, (_, i) => (s.levels(i * 10).get('err') ?? 0) >= 0.5);
      counts.set(code, countBlinks(samples));
    }
    expect([...counts.values()]).toEqual(Object.values(BLINKS_PER_CODE));
    expect(new Set(counts.values()).size).toBe(counts.size);

    const s = new LedState(SPECS, { beatFlashMs: 60, errorShowMs: 10_000 });
    s.event(problem('model'), 0);
    expect(s.problemAt(9_999)?.code).toBe('model');
    expect(s.problemAt(10_000)).toBeUndefined();
    s.event(problem('recording', 'warning', 20_000), 20_000);
    expect(s.levels(20_000).get('err')).toBe(0.6); // a warning: dimmer
    expect(s.problemAt(22_000)).toBeUndefined(); // and shorter
  });
});
