import { describe, expect, it } from 'vitest';
import { stepAt, timeOfStep, type ConversationSection } from './conversation.js';
import { changedLights, padGrid, type PadLight } from './pad-grid.js';
import { PLAYHEAD_INDEX, playerIndex } from './palette.js';
import { ANIMATION, padNote, padPosition } from './protocol.js';

const at = (lights: readonly PadLight[], row: number, col: number): PadLight | undefined =>
  lights.find((l) => l.note === padNote(row, col));
const lit = (lights: readonly PadLight[]): PadLight[] =>
  lights.filter((l) => l.index !== 0 && l.index !== PLAYHEAD_INDEX);
const base = { call: [], answer: [], aboutToAnswer: false, nextPlayer: 1 } as const;

describe('pad grid of the conversation', () => {
  it('maps pads row-major from the bottom-left: 36 bottom-left, 99 top-right', () => {
    expect(padNote(7, 0)).toBe(36);
    expect(padNote(7, 7)).toBe(43);
    expect(padNote(0, 7)).toBe(99);
    expect(padPosition(44)).toEqual({ row: 6, col: 0 });
    expect(padPosition(35)).toBeUndefined();
  });

  it('puts a kick on the bottom row and a snare above it, in the 16th column of the half bar', () => {
    const lights = padGrid({
      ...base,
      step: 18,
      call: [
        { step: 16, pitch: 36, velocity: 120, player: 0 },
        { step: 20, pitch: 38, velocity: 30, player: 0 },
      ],
    });
    expect(lights).toHaveLength(64);
    expect(at(lights, 7, 0)?.index).toBe(playerIndex(0, 120));
    expect(at(lights, 6, 4)?.index).toBe(playerIndex(0, 30));
    expect(playerIndex(0, 120)).not.toBe(playerIndex(0, 30));
    expect(lit(lights)).toHaveLength(2);
  });

  it('moves the playhead column with the step and pages by half bars', () => {
    const a = padGrid({ ...base, step: 3 });
    expect(a.filter((l) => l.index === PLAYHEAD_INDEX).map((l) => padPosition(l.note)?.col)).toEqual(
      new Array(8).fill(3),
    );
    const b = padGrid({ ...base, step: 13, call: [{ step: 3, pitch: 36, velocity: 100, player: 0 }] });
    expect(b.filter((l) => l.index === PLAYHEAD_INDEX).every((l) => padPosition(l.note)?.col === 5)).toBe(true);
    expect(lit(b)).toEqual([]); // step 3 is on the previous page
  });

  it('shows the answer while it plays, in its voice colour, instead of the call', () => {
    const answer: ConversationSection[] = [
      { title: 'A', player: 1, startStep: 32, steps: 16, hits: [{ step: 33, pitch: 42, velocity: 90, player: 1 }] },
    ];
    const call = [
      { step: 33 - 16, pitch: 36, velocity: 100, player: 0 },
      { step: 33, pitch: 36, velocity: 100, player: 0 },
    ];
    const playing = padGrid({ ...base, step: 34, call, answer });
    expect(lit(playing)).toEqual([{ note: padNote(5, 1), index: playerIndex(1, 90), channel: 0 }]);
    const before = padGrid({ ...base, step: 31, call, answer });
    expect(lit(before).every((l) => l.index === playerIndex(0, 100))).toBe(true);
  });

  it('pulses the playhead in the answering voice colour while the answer is about to come', () => {
    const lights = padGrid({ ...base, step: 5, aboutToAnswer: true });
    const head = lights.filter((l) => padPosition(l.note)?.col === 5);
    expect(head.every((l) => l.channel === ANIMATION.pulseEighth && l.index === playerIndex(1, 100))).toBe(true);
  });

  it('sends only what changed', () => {
    const first = padGrid({ ...base, step: 0 });
    const shown = new Map(first.map((l) => [l.note, l]));
    const next = padGrid({ ...base, step: 1 });
    const changed = changedLights(next, shown);
    expect(changed).toHaveLength(16); // the old playhead column off, the new one on
    expect(changedLights(first, shown)).toEqual([]);
  });

  it('places song steps from beat marks, and times of steps back', () => {
    const mark = { bar: 2, beat: 1, atMs: 10_000, tempo: 120, stepsPerBar: 16 };
    expect(stepAt(mark, 10_000)).toBe(36);
    expect(stepAt(mark, 10_125)).toBe(37);
    expect(timeOfStep(mark, 38)).toBe(10_250);
  });
});
