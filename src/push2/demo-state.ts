import type { BoxSnapshot } from '../box/bus-types.js';
import { defaultGlobals, defaultVoice } from '../control/parameter-store.js';
import { noEngineStats, type Exchange, type RecordedNote } from '../perform/engine-types.js';
import { ticks } from '../clock/units.js';
import { encoderPages } from './encoder-pages.js';
import type { DisplayState } from './render-state.js';

const STEP = 6;

/** A bar of notes from a step pattern per pitch ('x' loud, 'o' soft, '.' rest), starting at `bar`. */
function pattern(bar: number, rows: Readonly<Record<number, string>>): RecordedNote[] {
  const notes: RecordedNote[] = [];
  for (const [pitch, steps] of Object.entries(rows)) {
    [...steps].forEach((c, i) => {
      if (c === 'x' || c === 'o')
        notes.push({
          pitch: Number(pitch),
          velocity: c === 'x' ? 112 : 58,
          tick: ticks((bar * 16 + i) * STEP),
          durationTicks: ticks(3),
        });
    });
  }
  return notes;
}

/** A smooth made-up log-likelihood curve, the same every time. */
const curve = (n: number, phase: number): number[] =>
  Array.from({ length: n }, (_, i) => -0.4 - 1.6 * Math.abs(Math.sin(i * 0.37 + phase)) - (i % 8 === 5 ? 1.5 : 0));

/** An exchange to show when no box runs: a two-bar call, answered by A then B (chain). */
export function demoExchange(): Exchange {
  const callNotes = [
    ...pattern(4, { 36: 'x.....x...x.....', 38: '....x.......x..o', 42: 'x.o.x.o.x.o.x.o.' }),
    ...pattern(5, { 36: 'x.....x.x.......', 38: '....x.......x.o.', 42: 'x.o.x.o.x.o.x.x.' }),
  ];
  const turn = (
    voice: string,
    bar: number,
    rows: Readonly<Record<number, string>>,
    phase: number,
  ): Exchange['turns'][number] => {
    const ll = curve(32, phase);
    return {
      voice,
      model: 'default',
      startBar: bar,
      bars: 2,
      notes: [...pattern(bar, rows), ...pattern(bar + 1, rows)],
      events: new Uint16Array(32),
      temperature: 1,
      logLikelihood: { total: ll.reduce((a, b) => a + b, 0), perStep: ll },
      primerLogLikelihood: { total: -41.2, perStep: curve(32, 2) },
      slippedBars: 0,
    };
  };
  return {
    id: 3,
    mode: 'chain',
    tempo: 120 as never,
    stepsPerBar: 16,
    call: {
      source: 'human',
      startBar: 4,
      bars: 2,
      endReason: 'silence',
      notes: callNotes,
      events: new Uint16Array(32),
    },
    turns: [
      turn(
        'A',
        6,
        { 36: 'x..x..x...x..x..', 38: '....x.......x...', 46: '..x...x...x...x.', 49: 'x...............' },
        0,
      ),
      turn(
        'B',
        8,
        { 36: 'x.......x.x.....', 38: '....x..o....x...', 51: 'x.x.x.x.x.x.x.x.', 45: '..............xx' },
        1,
      ),
    ],
  };
}

/** A box snapshot as the display would see it mid-set: two voices, one exchange behind it. */
export function demoSnapshot(overrides: Partial<BoxSnapshot> = {}): BoxSnapshot {
  return {
    parameters: {
      // Every value a page shows is pinned, so a changed registry default leaves the goldens alone.
      global: {
        ...defaultGlobals(),
        mode: 'chain',
        response_bars: 2,
        min_call_bars: 1,
        max_call_bars: 8,
        silence_bars: 1,
        loop_response: false,
        carry_state: true,
        groove: 'learned',
        gate_steps: 0.5,
        volume: 100,
        tempo_bpm: 120,
        swing: 50,
        loop_min_hits_per_bar: 2,
        loop_max_hits_per_bar: 40,
        loop_retries: 2,
        safety_ms: 30,
      },
      voices: [
        {
          name: 'A',
          values: { ...defaultVoice(), model: 'default', temperature: 0.9, top_k: 0, top_p: 1, beam: 1, channel: 10 },
        },
        {
          name: 'B',
          values: {
            ...defaultVoice(),
            model: 'default',
            temperature: 1.25,
            top_k: 0,
            top_p: 0.9,
            beam: 1,
            channel: 10,
          },
        },
      ],
    },
    engine: 'idle',
    stats: { ...noEngineStats(), exchanges: 3 },
    clock: { source: 'internal', mode: 'auto', tempo: 120, locked: false },
    devices: [{ identity: 'usb:2982:1967', name: 'Ableton Push 2', roles: ['human', 'response'] }],
    models: ['default'],
    call: [],
    lastExchange: demoExchange(),
    generation: { lastMs: 38, msPerStep: 0.6 },
    slips: 0,
    problems: [],
    demo: false,
    transport: { playing: true, recordArmed: true, undoDepth: 1 },
    ...overrides,
  };
}

/** The display state for a snapshot with the controls at rest on `page`. */
export function demoDisplayState(snapshot: BoxSnapshot = demoSnapshot(), page = 0): DisplayState {
  const pages = encoderPages(snapshot.parameters.voices.map((v) => v.name));
  return { snapshot, controls: { page, pages, shift: false, touched: undefined, panicArmedUntil: undefined } };
}
