import { describe, expect, it } from 'vitest';
import { openModel } from './model-source.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';
import { WorkerGenerator } from './generator-worker-client.js';
import { GeneratorWorkerHost } from './generator-worker-host.js';

const primer = Uint16Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? 1 : i % 2 === 0 ? 4 : 0));
const request = { primer, steps: 16, temperature: 0.9, beamSize: 1, seed: 11 };

describe('generator in a worker thread', () => {
  it('gives the same events and log-likelihoods as inline generation, and carries state by handle', async () => {
    const source = { kind: 'placeholder', seed: 4 } as const;
    const worker = await WorkerGenerator.start('w', source);
    const inline = new MusicRnnGenerator('i', await openModel(source));
    try {
      const [w1, i1] = [await worker.generate(request), await inline.generate(request)];
      expect([...w1.events]).toEqual([...i1.events]);
      expect(w1.logLikelihood.total).toBeCloseTo(i1.logLikelihood.total, 6);
      expect(w1.primerLogLikelihood.perStep).toHaveLength(31);
      expect(worker.classOf(36)).toBe(0);
      expect(worker.classPitches[1]).toBe(38);
      const [w2, i2] = [
        await worker.generate({ ...request, state: w1.state }),
        await inline.generate({ ...request, state: i1.state }),
      ];
      expect([...w2.events]).toEqual([...i2.events]);
      expect(w2.primerLogLikelihood.perStep).toHaveLength(32);
    } finally {
      worker.dispose();
    }
  }, 30_000);

  it('serves two models from one worker, each answering as it does alone, and warms each up after it loads', async () => {
    const host = new GeneratorWorkerHost();
    const warm: string[] = [];
    const packed: number[] = [];
    const onWarm = (name: string) => (_msPerStep: number, packMs: number) => {
      warm.push(name);
      packed.push(packMs);
    };
    const [a, b] = await Promise.all([
      WorkerGenerator.start('a', { kind: 'placeholder', seed: 4 }, onWarm('a'), host),
      WorkerGenerator.start('b', { kind: 'placeholder', seed: 9 }, onWarm('b'), host),
    ]);
    // The worker's own start-up is reported with its first model only; each load's read time with each.
    expect([a.loadTiming.workerStartMs > 0, b.loadTiming.workerStartMs > 0].sort()).toEqual([false, true]);
    expect(Math.min(a.loadTiming.readMs, b.loadTiming.readMs)).toBeGreaterThan(0);
    try {
      const [ia, ib] = [
        new MusicRnnGenerator('a', await openModel({ kind: 'placeholder', seed: 4 })),
        new MusicRnnGenerator('b', await openModel({ kind: 'placeholder', seed: 9 })),
      ];
      const [ra, rb] = await Promise.all([a.generate(request), b.generate(request)]);
      expect(ra.logLikelihood.total).toBeCloseTo((await ia.generate(request)).logLikelihood.total, 6);
      expect(rb.logLikelihood.total).toBeCloseTo((await ib.generate(request)).logLikelihood.total, 6);
      // The warm-ups ran before these requests (they were queued first), each reported once.
      expect(warm.sort()).toEqual(['a', 'b']);
      // Packed after 'loaded', before the warm-up and the requests.
      expect(Math.min(...packed)).toBeGreaterThan(0);
      expect(a.warmMsPerStep).toBeGreaterThan(0);
      const memory = await host.memory();
      expect(memory.models).toBe(2);
      expect(memory.heapUsed).toBeGreaterThan(0);
      expect(memory.wasm).toBeGreaterThan(0);
      a.dispose();
      expect((await host.memory()).models).toBe(1);
      expect(host.closed).toBe(false);
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(host.closed).toBe(true);
  }, 30_000);

  it('fails the requests in flight when the worker dies, then serves every model again from a new worker', async () => {
    const host = new GeneratorWorkerHost();
    const a = await WorkerGenerator.start('a', { kind: 'placeholder', seed: 4 }, undefined, host);
    try {
      const first = await a.generate(request);
      // Long enough (a beam over many steps) to be still running when the worker is ended.
      const inFlight = a.generate({ ...request, steps: 1024, beamSize: 8 });
      await host.worker.terminate();
      await expect(inFlight).rejects.toThrow(/model 'a' worker: exited/);
      // The carried state belonged to the dead worker: the request starts fresh, and succeeds.
      const again = await a.generate({ ...request, state: first.state });
      expect([...again.events]).toEqual([...first.events]);
    } finally {
      a.dispose();
    }
  }, 30_000);

  it('reports a model that cannot be loaded, naming it, and keeps serving the others', async () => {
    const host = new GeneratorWorkerHost();
    const a = await WorkerGenerator.start('a', { kind: 'placeholder', seed: 4 }, undefined, host);
    try {
      await expect(
        WorkerGenerator.start('missing', { kind: 'dir', dir: '/nonexistent/model' }, undefined, host),
      ).rejects.toThrow(/model 'missing' worker: .*config\.json/);
      expect((await a.generate(request)).events.length).toBeGreaterThan(0);
    } finally {
      a.dispose();
    }
  }, 30_000);
});
