import { describe, expect, it } from 'vitest';
import { SamplingError } from '../model/sampling/sample.js';
import { SAMPLING_OFF } from '../perform/generator-port.js';
import { WorkerGenerator } from './generator-worker-client.js';
import { openModel } from './model-source.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';

const source = { kind: 'placeholder', seed: 6 } as const;
const oneBar = Array.from({ length: 16 }, (_, i) => (i % 8 === 0 ? 1 | 4 : i % 4 === 0 ? 2 | 4 : 0));
const primer = Uint16Array.from([...oneBar, ...oneBar]);
const base = { primer, steps: 32, temperature: 1, beamSize: 1, seed: 3 };

describe('sampling settings on a generation request', () => {
  it('top-k 1 and a tiny top-p are argmax; the settings\' "off" values change nothing', async () => {
    const g = new MusicRnnGenerator('g', await openModel(source));
    const argmax = g.generateNow({ ...base, temperature: 0 }).events;
    expect([...g.generateNow({ ...base, topK: 1 }).events]).toEqual([...argmax]);
    expect([...g.generateNow({ ...base, topP: 1e-6 }).events]).toEqual([...argmax]);
    const plain = g.generateNow(base).events;
    expect([...plain]).not.toEqual([...argmax]);
    expect([...g.generateNow({ ...base, ...SAMPLING_OFF }).events]).toEqual([...plain]);
    expect(() => g.generateNow({ ...base, topP: 1.5 })).toThrow(SamplingError);
    expect(() => g.generateNow({ ...base, topK: -2 })).toThrow(/topK must be a positive integer/);
  });

  it('a strong call profile makes the answer repeat the call, its ramp lets it vary, inline and through the worker', async () => {
    const inline = new MusicRnnGenerator('i', await openModel(source));
    const worker = await WorkerGenerator.start('w', source);
    try {
      for (const beamSize of [1, 3]) {
        const req = { ...base, beamSize, profileWeight: 20, densityWeight: 1 };
        const i = await inline.generate(req);
        const w = await worker.generate(req);
        expect([...i.events]).toEqual([...oneBar, ...oneBar]);
        expect([...w.events]).toEqual([...i.events]);
        expect(w.logLikelihood.total).toBeCloseTo(i.logLikelihood.total, 6);
      }
      // The profile's ramp crosses the thread too: with the floor at 0 the prior fades over the
      // answer, so it no longer merely repeats the call; a worker that dropped the floor would.
      for (const beamSize of [1, 3]) {
        const req = { ...base, beamSize, profileWeight: 20, profileFloor: 0, densityWeight: 1 };
        const i = await inline.generate(req);
        expect([...i.events]).not.toEqual([...oneBar, ...oneBar]);
        expect([...(await worker.generate(req)).events]).toEqual([...i.events]);
      }
      const topK = { ...base, temperature: 1.3, topK: 2, topP: 0.9 };
      expect([...(await worker.generate(topK)).events]).toEqual([...(await inline.generate(topK)).events]);
    } finally {
      worker.dispose();
    }
  }, 30_000);
});
