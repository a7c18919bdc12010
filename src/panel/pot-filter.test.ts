import { describe, expect, it } from 'vitest';
import { positionOf } from '../control/parameter-math.js';
import { parameterNamed } from '../control/parameters.js';
import { SeededRandom } from '../util/seeded-random.js';
import { PotFilter, SoftTakeover } from './pot-filter.js';

describe('PotFilter', () => {
  it('never reports a still pot whose ADC reading jitters', () => {
    const f = new PotFilter();
    const rng = new SeededRandom(7);
    const reports = [];
    for (let i = 0; i < 500; i++) reports.push(f.reading(0.5 + (rng.next() - 0.5) * 0.004));
    expect(reports.filter((r) => r !== undefined)).toHaveLength(1); // the first reading only
  });

  it('follows a turn and reaches both ends exactly', () => {
    const f = new PotFilter();
    let last: number | undefined;
    for (let i = 0; i <= 100; i++) last = f.reading(i / 100) ?? last;
    for (let i = 0; i < 20; i++) last = f.reading(1) ?? last;
    expect(last).toBe(1);
    for (let i = 0; i < 40; i++) last = f.reading(0) ?? last;
    expect(last).toBe(0);
  });
});

describe('SoftTakeover', () => {
  const temperature = parameterNamed('temperature');
  if (!temperature) throw new Error('the registry lost temperature');
  const ctx = { models: ['default'] };

  it('ignores the pot until it passes the value set elsewhere, then follows it', () => {
    const t = new SoftTakeover();
    const param = positionOf(temperature, 1.5, ctx); // a preset put temperature high
    expect(t.moved(0.1, param)).toBe(false);
    expect(t.moved(0.3, param)).toBe(false);
    expect(t.moved(0.6, param)).toBe(false);
    expect(t.moved(0.8, param)).toBe(true); // crossed ~0.737
    expect(t.moved(0.2, param)).toBe(true);
  });

  it('lets go when the parameter moves without the pot', () => {
    const t = new SoftTakeover();
    expect(t.moved(0.5, 0.5)).toBe(true);
    t.release();
    expect(t.moved(0.55, 0.9)).toBe(false);
    expect(t.moved(0.95, 0.9)).toBe(true);
  });

  it('picks up from either side', () => {
    const t = new SoftTakeover();
    expect(t.moved(0.9, 0.3)).toBe(false);
    expect(t.moved(0.25, 0.3)).toBe(true);
  });
});
