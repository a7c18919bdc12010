import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../util/seeded-random.js';
import { SharedDistribution, chooseEvent } from './sample.js';

describe('SharedDistribution', () => {
  it.each([
    ['flat', 0.1],
    ['peaked', 4],
  ])('draws exactly what chooseEvent draws from the same generator (%s logits)', (_name, spread) => {
    const source = new SeededRandom(3);
    const shared = new SharedDistribution(512); // reused, as beam search reuses its buffers
    for (let trial = 0; trial < 20; trial++) {
      const logits = Float32Array.from({ length: 512 }, (_, i) =>
        i === 0 ? spread * 2 : source.nextSigned() * spread,
      );
      const temperature = 0.5 + trial / 10;
      shared.set(logits, temperature);
      const [a, b] = [new SeededRandom(trial), new SeededRandom(trial)];
      const drawn = Array.from({ length: 40 }, () => shared.draw(a));
      const chosen = Array.from({ length: 40 }, () => chooseEvent(shared.logProbs, { temperature }, b));
      expect(drawn).toEqual(chosen);
      if (spread < 1) expect(new Set(drawn).size).toBeGreaterThan(20);
    }
  });
});
