import { describe, expect, it } from 'vitest';
import { EncoderAcceleration } from './encoder-acceleration.js';

describe('EncoderAcceleration', () => {
  it('moves one step per detent when turned slowly', () => {
    const acc = new EncoderAcceleration();
    const steps = [0, 200, 400, 600].map((t) => acc.steps(1, t));
    expect(steps).toEqual([1, 1, 1, 1]);
  });

  it('multiplies detents when spun fast, up to the maximum', () => {
    const acc = new EncoderAcceleration({ slowPerSecond: 8, fastPerSecond: 40, maxFactor: 10 });
    acc.steps(1, 0);
    expect(acc.steps(1, 50)).toBe(4); // 20 detents/s: 1 + 9 * (20 - 8) / 32, rounded
    expect(acc.steps(1, 60)).toBe(10); // 100 detents/s
    expect(acc.steps(-1, 65)).toBe(-1); // a change of direction starts slow
    expect(acc.steps(-1, 70)).toBe(-10);
  });

  it('crosses the temperature range in one fast flick but not in a slow turn', () => {
    const fast = new EncoderAcceleration();
    const slow = new EncoderAcceleration();
    let fastSum = 0;
    let slowSum = 0;
    for (let i = 0; i < 20; i++) {
      fastSum += fast.steps(1, i * 10);
      slowSum += slow.steps(1, i * 250);
    }
    expect(slowSum).toBe(20);
    expect(fastSum).toBeGreaterThanOrEqual(38); // temperature: 1.9 / 0.05 steps
  });
});
