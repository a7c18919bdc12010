import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../util/seeded-random.js';
import { disposeBatch, type StepBatch } from './batch-sampler.js';
import { StreamSampler } from './stream-sampler.js';

/** Window k holds k*1000 + its step index, so every value says where it came from. */
const files = [150, 64, 300].map((len, k) => Uint16Array.from({ length: len }, (_, t) => k * 1000 + t));

function lane(batch: StepBatch, b: number): { inputs: number[]; targets: number[]; mask: number[] } {
  const col = (list: tf.Tensor1D[]) => list.map((t) => (t.arraySync() as number[])[b] ?? NaN);
  return { inputs: col(batch.inputs), targets: col(batch.targets), mask: col(batch.masks) };
}

describe('StreamSampler', () => {
  it('walks each lane through one file crop after crop, carrying state until the file ends', () => {
    const sampler = new StreamSampler(files, 64);
    const rng = new SeededRandom(3);
    const seen: { first: number; carries: number; real: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const batch = sampler.sample(1, rng);
      const { inputs, targets, mask } = lane(batch, 0);
      const real = mask.filter((m) => m === 1).length;
      // Inputs are consecutive steps of one file, targets the step after each input.
      for (let t = 0; t < real; t++) {
        expect(targets[t]).toBe((inputs[t] ?? 0) + 1);
        if (t > 0) expect(inputs[t]).toBe((inputs[t - 1] ?? 0) + 1);
      }
      expect(mask.slice(real).every((m) => m === 0)).toBe(true);
      seen.push({ first: inputs[0] ?? -1, carries: batch.carries?.[0] ?? -1, real });
      disposeBatch(batch);
    }
    seen.forEach((s, i) => {
      const step = s.first % 1000;
      // A lane carries its state exactly when it continues where its last crop stopped.
      expect(s.carries).toBe(step === 0 ? 0 : 1);
      if (step !== 0) expect(s.first).toBe((seen[i - 1]?.first ?? 0) + 64);
    });
    expect(seen.some((s) => s.carries === 1)).toBe(true);
    expect(seen.some((s) => s.real < 64)).toBe(true); // a file's tail is padded, not joined to the next
  });

  it('continues from saved lane positions exactly as an uninterrupted sampler', () => {
    const whole = new StreamSampler(files, 64);
    const rngA = new SeededRandom(9);
    const firsts = (s: StreamSampler, rng: SeededRandom, n: number) =>
      Array.from({ length: n }, () => {
        const b = s.sample(3, rng);
        const out = [0, 1, 2].map((k) => lane(b, k).inputs[0]);
        disposeBatch(b);
        return out;
      });
    const expected = firsts(whole, rngA, 8);
    const part = new StreamSampler(files, 64);
    const rngB = new SeededRandom(9);
    const head = firsts(part, rngB, 3);
    const resumed = new StreamSampler(files, 64, part.positions);
    expect([...head, ...firsts(resumed, new SeededRandom(rngB.seedState), 5)]).toEqual(expected);
  });

  it('refuses crops that would put a carried lane out of step with the binary counter', () => {
    expect(() => new StreamSampler(files, 48)).toThrow(/multiple of 64/);
  });
});
