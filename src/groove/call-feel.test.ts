import { describe, expect, it } from 'vitest';
import type { GrooveTable } from './groove-table.js';
import { placeHit } from '../perform/call-capture.js';
import { callFeelGroove, grooveFor } from './groove.js';
import { learnedGroove } from './learned-groove.js';
import { ticks } from '../clock/units.js';

const classOf = (p: number): number => (p === 36 ? 0 : p === 38 ? 1 : p === 42 ? 2 : -1);
const hits = [
  { step: 0, drumClass: 0, pitch: 36 },
  { step: 2, drumClass: 2, pitch: 42 },
  { step: 4, drumClass: 1, pitch: 38 },
];

describe('grooves', () => {
  it("call feel: answers at the caller's velocities and pushes/pulls each 16th as the caller did", () => {
    // The caller plays hats late on the "e" (step 2 mod 4) and a soft snare.
    const call = [placeHit(36, 110, ticks(0)), placeHit(42, 60, ticks(2 * 6 + 1.5)), placeHit(38, 70, ticks(4 * 6))];
    const felt = callFeelGroove.apply(hits, call, classOf, 16);
    expect(felt.find((h) => h.drumClass === 2)?.offsetSteps).toBeCloseTo(0.25, 5);
    expect(felt.find((h) => h.drumClass === 0)?.offsetSteps).toBeCloseTo(0, 5);
    const kick = felt.find((h) => h.drumClass === 0)?.velocity ?? 0;
    const snare = felt.find((h) => h.drumClass === 1)?.velocity ?? 0;
    expect(kick).toBeGreaterThan(snare);
    expect(felt.every((h) => h.velocity >= 1 && h.velocity <= 127)).toBe(true);
  });

  it('learned: velocity and timing drawn from the table cell of each drum and position', () => {
    const cell = (v: number, o: number) => ({
      count: 50,
      velocityMean: v,
      velocityStd: 0,
      offsetMean: o,
      offsetStd: 0,
    });
    const cells = Array.from({ length: 9 }, (_, c) =>
      Array.from({ length: 16 }, (_, p) => cell(40 + c * 10 + p, p % 4 === 2 ? 0.2 : -0.05)),
    );
    const table: GrooveTable = {
      version: 1,
      stepsPerBar: 16,
      cells,
      classFallback: Array.from({ length: 9 }, () => cell(90, 0)),
      minCount: 10,
    };
    const felt = learnedGroove(table, 3).apply(hits, [], classOf, 16);
    expect(felt.map((h) => h.velocity)).toEqual([40, 62, 54]);
    expect(felt.map((h) => Math.round(h.offsetSteps * 100) / 100)).toEqual([-0.05, 0.2, -0.05]);
    expect(felt.map((h) => h.pitch)).toEqual([36, 42, 38]);
  });
});

describe('groove switch', () => {
  const hits = [
    { step: 0, pitch: 36, drumClass: 0 },
    { step: 2, pitch: 42, drumClass: 2 },
  ];
  it('off plays the grid at one velocity, with no timing offsets', () => {
    const felt = grooveFor('off', undefined).apply(hits, [], () => 0, 16);
    expect(felt.map((h) => [h.step, h.velocity, h.offsetSteps])).toEqual([
      [0, 100, 0],
      [2, 100, 0],
    ]);
  });
  it("learned uses the model's groove, and falls back to the caller's feel without one", () => {
    const learned = { name: 'learned', apply: () => [] };
    expect(grooveFor('learned', learned)).toBe(learned);
    expect(grooveFor('learned', undefined)).toBe(callFeelGroove);
    expect(grooveFor('call', learned)).toBe(callFeelGroove);
  });
});
