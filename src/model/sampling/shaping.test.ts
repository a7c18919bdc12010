import { beforeAll, describe, expect, it } from 'vitest';
import { beamSearch } from '../beam-search.js';
import { randomCheckpoint } from '../checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../checkpoint/reader.js';
import { memorySource } from '../checkpoint/source.js';
import { serializeCheckpoint } from '../checkpoint/writer.js';
import { continueEvents } from '../generate.js';
import { MusicRnn } from '../music-rnn.js';
import {
  addBias,
  callShaper,
  densityCostPerHit,
  hitCount,
  positionProfile,
  profileBiasTable,
  profileRamp,
  ShapingError,
} from './shaping.js';

const KICK = 1;
const SNARE = 2;
const HAT = 4;

/** A 2-bar call on a 4-step bar: kick+hat, hat, snare+hat, hat; the second bar drops the last hat. */
const CALL = Uint16Array.from([KICK | HAT, HAT, SNARE | HAT, HAT, KICK | HAT, HAT, SNARE | HAT, 0]);

function uniform(n: number): Float64Array {
  return new Float64Array(n).fill(-Math.log(n));
}

describe('answer shaping', () => {
  it('counts the drums in an event', () => {
    expect([0, 1, 2, 3, 7, 511].map(hitCount)).toEqual([0, 1, 1, 2, 3, 9]);
  });

  it('profiles the call per bar position with the KT estimate (hits + 1/2) / (bars + 1)', () => {
    const q = positionProfile(CALL, 4, 3);
    // position 0: kick 2/2 -> 5/6, snare 0/2 -> 1/6, hat 2/2 -> 5/6
    expect([...q.slice(0, 3)]).toEqual([2.5 / 3, 0.5 / 3, 2.5 / 3]);
    // position 3: hat 1 of 2 bars -> 1/2
    expect(q[3 * 3 + 2]).toBeCloseTo(0.5, 12);
  });

  it("biases an event by weight times the sum of its drums' log-odds", () => {
    const q = positionProfile(CALL, 4, 3);
    const table = profileBiasTable(q, 4, 3, 8, 2);
    const ln5 = Math.log(5);
    expect(table[0]).toBe(0); // silence
    expect(table[KICK]).toBeCloseTo(2 * ln5, 12);
    expect(table[SNARE]).toBeCloseTo(-2 * ln5, 12);
    expect(table[KICK | SNARE | HAT]).toBeCloseTo(2 * ln5, 12);
    expect(table[3 * 8 + HAT]).toBeCloseTo(0, 12); // hat at position 3: even odds
  });

  it('charges hits when the answer runs denser than the call and rewards them when sparser', () => {
    // call rate 0.5 hits/step; 8 hits in 4 steps with 4 prior steps: rate (8 + 2) / 8 = 1.25
    expect(densityCostPerHit(0.5, 8, 4, 1, 4)).toBeCloseTo(Math.log(2.5), 12);
    expect(densityCostPerHit(0.5, 0, 4, 2, 4)).toBeCloseTo(2 * Math.log(0.5), 12);
    expect(densityCostPerHit(0.5, 2, 4, 3, 4)).toBe(0);
    expect(densityCostPerHit(0, 5, 4, 3, 4)).toBe(0);
  });

  it('adds a bias and renormalises', () => {
    const lp = uniform(4);
    addBias(lp, [Math.log(3), 0, 0, 0]);
    expect([...lp].map(Math.exp)).toEqual(
      [0.5, 1 / 6, 1 / 6, 1 / 6].map((x) => expect.closeTo(x, 12) as unknown as number),
    );
  });

  it('shapes each generated step at its bar position and from the answer so far', () => {
    const shaper = callShaper(CALL, { profileWeight: 1, densityWeight: 0 }, 8, 4);
    expect(shaper).toBeDefined();
    const lp = uniform(8);
    shaper?.shape(lp, 0, []); // step 0 of the answer is bar position 0 (the call is 2 whole bars)
    // kick+hat at position 0: odds 5 * 5; silence: 1; normalised over all 8 events
    const weights = [1, 5, 1 / 5, 1, 5, 25, 1, 5];
    const total = weights.reduce((a, b) => a + b, 0);
    expect(Math.exp(lp[KICK | HAT] ?? 0)).toBeCloseTo(25 / total, 12);
    const dense = callShaper(CALL, { densityWeight: 1 }, 8, 4);
    const lp2 = uniform(8);
    // call: 11 hits in 8 steps; answer so far 3 steps of all drums: (9 + 4 * 11/8) / 7 per step
    dense?.shape(lp2, 3, [7, 7, 7]);
    const perHit = Math.log(14.5 / 7 / (11 / 8));
    expect((lp2[1] ?? 0) - (lp2[0] ?? 0)).toBeCloseTo(-perHit, 12);
    expect((lp2[7] ?? 0) - (lp2[0] ?? 0)).toBeCloseTo(-3 * perHit, 12);
  });

  it("ramps the profile from full on the first step to the floor where the last bar's second half starts", () => {
    // 2 bars of 16: full at step 0, linear to the floor at step 24, held to step 31
    expect(profileRamp(0, 32, 0, 16)).toBe(1);
    expect(profileRamp(12, 32, 0, 16)).toBeCloseTo(0.5, 12);
    expect(profileRamp(12, 32, 0.25, 16)).toBeCloseTo(0.625, 12);
    expect(profileRamp(24, 32, 0.25, 16)).toBeCloseTo(0.25, 12);
    expect(profileRamp(31, 32, 0.25, 16)).toBeCloseTo(0.25, 12);
    expect(profileRamp(20, 32, 1, 16)).toBe(1);
    // a 1-bar answer reaches the floor half-way through it
    expect(profileRamp(4, 16, 0, 16)).toBeCloseTo(0.5, 12);
    expect(profileRamp(8, 16, 0, 16)).toBe(0);
  });

  it("weights the call's profile by the ramp at each step of the answer", () => {
    // answer of 8 steps on a 4-step bar: full at step 0, half at step 3, none from step 6
    const ramped = callShaper(CALL, { profileWeight: 1, profileFloor: 0, steps: 8 }, 8, 4);
    const flat = callShaper(CALL, { profileWeight: 1, steps: 8 }, 8, 4);
    const kickOverSilence = (shaper: typeof ramped, step: number): number => {
      const lp = uniform(8);
      shaper?.shape(lp, step, new Uint16Array(8));
      return (lp[KICK] ?? 0) - (lp[0] ?? 0);
    };
    const ln5 = Math.log(5);
    expect(kickOverSilence(ramped, 0)).toBeCloseTo(ln5, 12); // position 0: kick in both call bars
    expect(kickOverSilence(ramped, 4)).toBeCloseTo(ln5 / 3, 12); // position 0 again, share 1 - 4/6
    expect(kickOverSilence(ramped, 6)).toBeCloseTo(0, 12); // the last half-bar is free (position 2: no kick)
    expect(kickOverSilence(flat, 4)).toBeCloseTo(ln5, 12); // no floor given: the same weight throughout
    // without the answer's length there is nothing to lay the ramp over: the same weight throughout
    const lengthless = callShaper(CALL, { profileWeight: 1, profileFloor: 0 }, 8, 4);
    expect(kickOverSilence(lengthless, 4)).toBeCloseTo(ln5, 12);
  });

  it('is absent when both weights are 0, and refuses negative weights by name', () => {
    expect(callShaper(CALL, {}, 8, 4)).toBeUndefined();
    expect(() => callShaper(CALL, { densityWeight: -1 }, 8, 4)).toThrow(ShapingError);
    expect(() => callShaper(CALL, { profileWeight: Number.NaN }, 8, 4)).toThrow(/profileWeight/);
    expect(() => callShaper(CALL, { profileWeight: 1, profileFloor: 1.5 }, 8, 4)).toThrow(
      /profileFloor must be a number in \[0, 1\], got 1.5/,
    );
  });
});

describe('shaping in generation', () => {
  let model: MusicRnn;
  // two identical bars: kick+hat, hat, snare+hat, hat on the quarters, silence between
  const oneBar = Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? (i % 8 === 0 ? KICK | HAT : SNARE | HAT) : 0));
  const primer = Uint16Array.from([...oneBar, ...oneBar]);

  beforeAll(async () => {
    const files = serializeCheckpoint(randomCheckpoint({ layerUnits: [24, 24], seed: 8, gain: 1.5 }));
    model = new MusicRnn(await readCheckpoint(memorySource(files)), { engine: 'int8' });
  });

  it("a strong profile prior makes sampling and beam search repeat the call's bar", () => {
    const shaper = callShaper(primer, { profileWeight: 20 }, model.eventCount, 16);
    const sampled = continueEvents(model, { events: primer }, 32, {
      temperature: 1,
      seed: 4,
      ...(shaper ? { shaper } : {}),
    });
    expect([...sampled.events]).toEqual([...oneBar, ...oneBar]);
    const beam = beamSearch(model, { events: primer }, 32, {
      temperature: 1,
      seed: 4,
      beamSize: 3,
      branchFactor: 2,
      ...(shaper ? { shaper } : {}),
    });
    expect([...beam.events]).toEqual([...oneBar, ...oneBar]);
    const plain = continueEvents(model, { events: primer }, 32, { temperature: 1, seed: 4 });
    expect([...plain.events]).not.toEqual([...oneBar, ...oneBar]);
  });

  it('with the ramp, a strong profile holds the start of the answer to the call and leaves its end free', () => {
    const shaper = callShaper(primer, { profileWeight: 20, profileFloor: 0, steps: 32 }, model.eventCount, 16);
    let freeEnds = 0;
    for (let seed = 0; seed < 8; seed++) {
      const r = continueEvents(model, { events: primer }, 32, { temperature: 1, seed, ...(shaper ? { shaper } : {}) });
      expect([...r.events.slice(0, 12)]).toEqual(oneBar.slice(0, 12));
      if (r.events.slice(24).some((e, i) => e !== oneBar[8 + i])) freeEnds++;
    }
    expect(freeEnds).toBeGreaterThanOrEqual(6);
  });

  it("a strong density guard keeps the answer's hit count near the call's", () => {
    const count = (events: Uint16Array): number => [...events].reduce((a, e) => a + hitCount(e), 0);
    const callHits = count(primer); // 16 in 32 steps; this random model plays ~140 unguided
    const deviations = (shaped: boolean): number => {
      let sum = 0;
      for (let seed = 0; seed < 12; seed++) {
        const shaper = shaped ? callShaper(primer, { densityWeight: 10 }, model.eventCount, 16) : undefined;
        const r = continueEvents(model, { events: primer }, 32, {
          temperature: 1,
          seed,
          ...(shaper ? { shaper } : {}),
        });
        sum += Math.abs(count(r.events) - callHits);
      }
      return sum / 12;
    };
    const plain = deviations(false);
    const guarded = deviations(true);
    expect(guarded).toBeLessThan(plain / 10);
    expect(guarded).toBeLessThanOrEqual(callHits / 2);
  });
});
