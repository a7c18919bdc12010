import { describe, expect, it } from 'vitest';
import { openModel } from './model-source.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';
import { WorkerGenerator } from './generator-worker-client.js';

describe('generator in a worker thread', () => {
  it('gives the same events and log-likelihoods as inline generation, and carries state by handle', async () => {
    const source = { kind: 'placeholder', seed: 4 } as const;
    const worker = await WorkerGenerator.start('w', source);
    const inline = new MusicRnnGenerator('i', await openModel(source));
    try {
      const primer = Uint16Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? 1 : i % 2 === 0 ? 4 : 0));
      const req = { primer, steps: 16, temperature: 0.9, beamSize: 1, seed: 11 };
      const [w1, i1] = [await worker.generate(req), await inline.generate(req)];
      expect([...w1.events]).toEqual([...i1.events]);
      expect(w1.logLikelihood.total).toBeCloseTo(i1.logLikelihood.total, 6);
      expect(w1.primerLogLikelihood.perStep).toHaveLength(31);
      expect(worker.classOf(36)).toBe(0);
      expect(worker.classPitches[1]).toBe(38);
      const [w2, i2] = [await worker.generate({ ...req, state: w1.state }), await inline.generate({ ...req, state: i1.state })];
      expect([...w2.events]).toEqual([...i2.events]);
      expect(w2.primerLogLikelihood.perStep).toHaveLength(32);
    } finally {
      worker.dispose();
    }
  }, 30_000);
});
