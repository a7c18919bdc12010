import { describe, expect, it } from 'vitest';
import { randomCheckpoint } from './checkpoint/random-checkpoint.js';
import type { RandomCheckpointSpec } from './checkpoint/random-checkpoint.js';
import { readCheckpoint } from './checkpoint/reader.js';
import { memorySource } from './checkpoint/source.js';
import { serializeCheckpoint } from './checkpoint/writer.js';
import { MusicRnn } from './music-rnn.js';
import { logSoftmax } from './sampling/sample.js';

/** Max per-step KL(reference || engine) and max |p - p_ref| over a fed sequence. */
async function compareEngines(spec: RandomCheckpointSpec) {
  const cp = await readCheckpoint(memorySource(serializeCheckpoint(randomCheckpoint(spec))));
  const reference = new MusicRnn(cp, { engine: 'reference' });
  const result: Record<string, { kl: number; diff: number }> = {};
  for (const engine of ['float32', 'int8'] as const) {
    const model = new MusicRnn(cp, { engine });
    const [rs, s] = [reference.newState(), model.newState()];
    const [p, q] = [new Float64Array(reference.eventCount), new Float64Array(reference.eventCount)];
    let [kl, diff] = [0, 0];
    for (let t = 0; t < 40; t++) {
      const e = (t * 37 + 5) % reference.eventCount;
      reference.feed(rs, e);
      model.feed(s, e);
      logSoftmax(rs.logits, 1, p);
      logSoftmax(s.logits, 1, q);
      let k = 0;
      for (let i = 0; i < p.length; i++) {
        k += Math.exp(p[i] ?? 0) * ((p[i] ?? 0) - (q[i] ?? 0));
        diff = Math.max(diff, Math.abs(Math.exp(p[i] ?? 0) - Math.exp(q[i] ?? 0)));
      }
      kl = Math.max(kl, k);
    }
    result[engine] = { kl, diff };
  }
  return result;
}

describe('the SIMD engines agree with the reference on awkward shapes', () => {
  it.each([
    { layerUnits: [10, 18, 10], attentionLength: 5 },
    { layerUnits: [7], attentionLength: 3 },
    { layerUnits: [13, 5] },
    { layerUnits: [24, 24], kind: 'melody' as const },
    { layerUnits: [20, 20], kind: 'melody' as const, chordEncoder: 'TriadChordEncoder' as const },
  ])('%o', async (spec) => {
    const r = await compareEngines({ ...spec, seed: 9 });
    expect(r['float32']?.diff).toBeLessThan(1e-5);
    expect(r['int8']?.kl).toBeLessThan(1e-3);
  });
});

describe('batched steps equal single steps', () => {
  describe.each([
    ['int8', 0],
    ['float32', 1e-6],
  ] as const)('%s engine', (engine, tolerance) => {
    it.each([
      ['3 layers + attention', { layerUnits: [32, 32, 32], attentionLength: 8, seed: 2 }],
      ['2 layers, no attention', { layerUnits: [40, 24], seed: 3 }],
    ] as const)('%s, batches of 1, 2, 3, 4, 5, 8 and 31', async (_name, spec) => {
      const cp = await readCheckpoint(memorySource(serializeCheckpoint(randomCheckpoint(spec))));
      const model = new MusicRnn(cp, { engine });
      for (const n of [1, 2, 3, 4, 5, 8, 31]) {
        const batch = Array.from({ length: n }, () => model.newState());
        const single = Array.from({ length: n }, () => model.newState());
        for (let t = 0; t < 6; t++) {
          const events = batch.map((_, b) => (b * 41 + t * 7) % 512);
          model.feedBatch(batch, events);
          single.forEach((s, b) => model.feed(s, events[b] ?? 0));
        }
        batch.forEach((s, b) => {
          const other = single[b] as (typeof single)[number];
          // int8: the same integer sums and scalings, so exactly equal; float32: to 1e-6.
          if (tolerance === 0) {
            expect([...s.logits]).toEqual([...other.logits]);
            expect([...s.net.h, ...s.net.c, ...s.net.window]).toEqual([
              ...other.net.h,
              ...other.net.c,
              ...other.net.window,
            ]);
          } else {
            s.logits.forEach((v, i) => expect(Math.abs(v - (other.logits[i] ?? NaN))).toBeLessThanOrEqual(tolerance));
            s.net.h.forEach((v, i) => expect(Math.abs(v - (other.net.h[i] ?? NaN))).toBeLessThanOrEqual(tolerance));
          }
        });
      }
    });
  });
});
