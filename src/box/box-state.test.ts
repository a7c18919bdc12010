import { describe, expect, it } from 'vitest';
import type { BoxEvent, BoxSnapshot } from './bus-types.js';
import { idleSnapshot, reduceSnapshot } from './box-state.js';

const empty = idleSnapshot({
  parameters: {
    global: { tempo_bpm: 120 },
    voices: [
      { name: 'A', values: { temperature: 1 } },
      { name: 'B', values: { temperature: 1 } },
    ],
  },
  models: ['default'],
  clock: { source: 'internal', mode: 'auto', tempo: 120, locked: false },
});
const fold = (events: BoxEvent[]): BoxSnapshot => events.reduce(reduceSnapshot, empty);

describe('the bus snapshot is the fold of its events', () => {
  it('applies parameter changes to the right voice', () => {
    const s = fold([
      { kind: 'parameter', source: 'cc', change: { param: 'temperature', voice: 'B', value: 1.5, previous: 1 } },
      { kind: 'parameter', source: 'web', change: { param: 'tempo_bpm', value: 90, previous: 120 } },
    ]);
    expect(s.parameters.voices.map((v) => v.values['temperature'])).toEqual([1, 1.5]);
    expect(s.parameters.global['tempo_bpm']).toBe(90);
  });

  it('collects the call while listening and clears it when the answer comes', () => {
    const hit = { pitch: 36, velocity: 90, atMs: 5 };
    const listening = fold([
      { kind: 'hit', hit },
      { kind: 'engine', state: 'listening' },
      { kind: 'hit', hit: { ...hit, atMs: 6 } },
    ]);
    expect(listening.call).toHaveLength(2);
    expect(reduceSnapshot(listening, { kind: 'engine', state: 'responding' }).call).toEqual([]);
  });

  it('counts slips, keeps generation timing and a bounded list of problems', () => {
    const problems: BoxEvent[] = Array.from({ length: 25 }, (_, i) => ({
      kind: 'problem',
      problem: { level: 'warning', code: 'config', message: `p${i}`, atMs: i },
    }));
    const s = fold([
      { kind: 'slip', voice: 'A', bars: 1 },
      { kind: 'generated', voice: 'A', model: 'default', steps: 64, ms: 3.2 },
      ...problems,
    ]);
    expect(s.slips).toBe(1);
    expect(s.generation).toEqual({ lastMs: 3.2, msPerStep: 0.05 });
    expect(s.problems.map((p) => p.message)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i + 5}`));
  });
});
