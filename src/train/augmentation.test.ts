import { describe, expect, it } from 'vitest';
import type { DrumHit } from '../data/drum-windows.js';
import { SeededRandom } from '../util/seeded-random.js';
import { augmentedCrop, augmentSettingsError, ghostShare, type AugmentSource } from './augmentation.js';
import { BatchSampler, disposeBatch } from './batch-sampler.js';

const [KICK, SNARE, HAT, OPEN_HAT, LOW_TOM, MID_TOM, HIGH_TOM, CRASH, RIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const hit = (step: number, drumClass: number, velocity = 100, offsetSteps = 0): DrumHit => ({
  step,
  drumClass,
  velocity,
  offsetSteps,
});

/**
 * One bar and a step: kick on the beats, a loud backbeat snare and two ghost snares, closed hats
 * on the 8ths, a ride on step 1, an open hat, a crash and a tom fill, each drum once at its step.
 */
const BAR: DrumHit[] = [
  hit(0, KICK),
  hit(0, CRASH),
  hit(0, HAT, 90),
  hit(1, RIDE, 80),
  hit(2, HAT, 30),
  hit(3, SNARE, 25),
  hit(4, SNARE, 110),
  hit(4, HAT, 90),
  hit(6, HAT, 35),
  hit(7, SNARE, 20, 0.45),
  hit(8, KICK),
  hit(8, HAT, 90),
  hit(10, OPEN_HAT, 70),
  hit(12, SNARE, 110),
  hit(13, LOW_TOM, 90),
  hit(14, MID_TOM, 90),
  hit(15, HIGH_TOM, 90, -0.2),
  hit(16, KICK),
];
const SOURCE: AugmentSource = { length: 17, hits: BAR };
const bit = (cls: number): number => 1 << cls;
/** Which (step, class) pairs are set: the crop as a readable set. */
const hitsOf = (events: Uint16Array): string[] =>
  [...events].flatMap((e, step) => [...Array(9).keys()].filter((c) => e & bit(c)).map((c) => `${step}:${c}`));
const plain = (): Uint16Array => augmentedCrop(SOURCE, 0, 17, {}, new SeededRandom(1));

describe('augmentedCrop', () => {
  it('with every transform off rebuilds the window exactly', () => {
    const events = plain();
    expect(events[0]).toBe(bit(KICK) | bit(CRASH) | bit(HAT));
    expect(events[4]).toBe(bit(SNARE) | bit(HAT));
    expect(hitsOf(events)).toHaveLength(BAR.length);
    // A crop from a later bar line is the same steps, re-indexed.
    expect([...augmentedCrop(SOURCE, 8, 9, {}, new SeededRandom(1))]).toEqual([...events.subarray(8)]);
  });

  it('ghost-note dropout removes only hits below the velocity threshold', () => {
    const events = augmentedCrop(SOURCE, 0, 17, { ghostDrop: 1 }, new SeededRandom(2));
    const gone = hitsOf(plain()).filter((h) => !hitsOf(events).includes(h));
    expect(gone.sort()).toEqual(['2:2', '3:1', '6:2', '7:1']);
    // A higher threshold takes the 80 ride too; probability 0 keeps everything.
    expect(
      hitsOf(augmentedCrop(SOURCE, 0, 17, { ghostDrop: 1, ghostVelocity: 85 }, new SeededRandom(2))),
    ).not.toContain('1:8');
    expect(hitsOf(augmentedCrop(SOURCE, 0, 17, { ghostDrop: 0 }, new SeededRandom(2)))).toHaveLength(BAR.length);
  });

  it('ghost-note dropout at 0.5 drops about half the ghosts, the same ones for the same seed', () => {
    let dropped = 0;
    const rng = new SeededRandom(3);
    for (let i = 0; i < 500; i++) dropped += 18 - hitsOf(augmentedCrop(SOURCE, 0, 17, { ghostDrop: 0.5 }, rng)).length;
    expect(dropped / (500 * 4)).toBeGreaterThan(0.45);
    expect(dropped / (500 * 4)).toBeLessThan(0.55);
    const again = (): number[] => [...augmentedCrop(SOURCE, 0, 17, { ghostDrop: 0.5 }, new SeededRandom(9))];
    expect(again()).toEqual(again());
  });

  it('hat/ride swap trades closed hat and ride and touches nothing else', () => {
    const events = augmentedCrop(SOURCE, 0, 17, { hatRideSwap: 1 }, new SeededRandom(4));
    const before = plain();
    const swap = (e: number): number =>
      (e & ~(bit(HAT) | bit(RIDE))) | (e & bit(HAT) ? bit(RIDE) : 0) | (e & bit(RIDE) ? bit(HAT) : 0);
    expect([...events]).toEqual([...before].map(swap));
    expect(events[1]).toBe(bit(HAT));
    expect(events[0]).toBe(bit(KICK) | bit(CRASH) | bit(RIDE));
  });

  it('tom swap permutes the three toms per crop, never as the identity, and never moves kick or snare', () => {
    const seen = new Set<string>();
    const rng = new SeededRandom(5);
    const before = plain();
    for (let i = 0; i < 200; i++) {
      const events = augmentedCrop(SOURCE, 0, 17, { tomSwap: 1 }, rng);
      const toms = [13, 14, 15].map((s) => [LOW_TOM, MID_TOM, HIGH_TOM].find((c) => (events[s] ?? 0) & bit(c)));
      expect([...toms].sort()).toEqual([LOW_TOM, MID_TOM, HIGH_TOM]);
      expect(toms).not.toEqual([LOW_TOM, MID_TOM, HIGH_TOM]);
      seen.add(toms.join(','));
      const keep = ~(bit(LOW_TOM) | bit(MID_TOM) | bit(HIGH_TOM));
      expect([...events].map((e) => e & keep)).toEqual([...before].map((e) => e & keep));
    }
    expect(seen.size).toBe(5);
  });

  it('grid jitter moves only hits whose real onset is within the jitter of a step boundary', () => {
    const moved = new Set<string>();
    const rng = new SeededRandom(6);
    for (let i = 0; i < 300; i++) {
      const after = hitsOf(augmentedCrop(SOURCE, 0, 17, { gridJitter: 0.1 }, rng));
      for (const h of hitsOf(plain())) if (!after.includes(h)) moved.add(h);
      // The ghost snare 0.45 late lands on step 7 or 8, nowhere else.
      expect(after.filter((h) => h.endsWith(':1') && ['7:1', '8:1'].includes(h))).toHaveLength(1);
    }
    expect([...moved]).toEqual(['7:1']);
  });

  it('grid jitter brings a hit from just outside the crop into it, and drops one that leaves it', () => {
    const late: AugmentSource = { length: 20, hits: [hit(7, SNARE, 100, 0.49), hit(16, KICK, 100, -0.49)] };
    const seen = new Set<string>();
    const rng = new SeededRandom(7);
    for (let i = 0; i < 200; i++)
      for (const h of hitsOf(augmentedCrop(late, 8, 8, { gridJitter: 0.5 }, rng))) seen.add(h);
    expect([...seen].sort()).toEqual(['0:1', '7:0']);
  });

  it('rejects settings out of range, naming the option', () => {
    expect(augmentSettingsError({ ghostDrop: 1.5 })).toMatch(/--ghost-drop/);
    expect(augmentSettingsError({ gridJitter: 0.6 })).toMatch(/--grid-jitter/);
    expect(augmentSettingsError({ ghostVelocity: 0 })).toMatch(/--ghost-velocity/);
    expect(augmentSettingsError({ tomSwap: 0.2, hatRideSwap: 0.1 })).toBeUndefined();
  });

  it('counts the share of ghost notes', () => {
    expect(ghostShare([SOURCE])).toBeCloseTo(4 / 18);
  });
});

describe('BatchSampler with augmentation', () => {
  const window = new Uint16Array(17);
  for (const h of BAR) window[h.step] = (window[h.step] ?? 0) | bit(h.drumClass);
  const first = (sampler: BatchSampler, seed: number): number[][] => {
    const batch = sampler.sample(2, new SeededRandom(seed));
    const values = batch.inputs.map((t) => [...t.dataSync()]);
    disposeBatch(batch);
    return values;
  };

  it('feeds augmented crops, reproducibly from the seed', () => {
    const swapped = new BatchSampler([window], 16, 16, { settings: { hatRideSwap: 1 }, hits: [BAR] });
    const inputs = first(swapped, 1);
    expect(inputs[1]).toEqual([bit(HAT), bit(HAT)]);
    expect(first(swapped, 1)).toEqual(inputs);
    const off = first(new BatchSampler([window], 16), 1);
    expect(off[1]).toEqual([bit(RIDE), bit(RIDE)]);
  });

  it('needs the hits of every window', () => {
    expect(() => new BatchSampler([window, window], 16, 16, { settings: { tomSwap: 1 }, hits: [BAR] })).toThrow(
      /hits of every window/,
    );
  });
});
