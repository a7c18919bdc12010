import { afterAll, describe, expect, it } from 'vitest';
import type { RandomCheckpointSpec } from '../../src/model/checkpoint/random-checkpoint.js';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { memorySource } from '../../src/model/checkpoint/source.js';
import type { WriteOptions } from '../../src/model/checkpoint/writer.js';
import { serializeCheckpoint } from '../../src/model/checkpoint/writer.js';
import { continueEvents } from '../../src/model/generate.js';
import type { EngineKind } from '../../src/model/music-rnn.js';
import { MusicRnn } from '../../src/model/music-rnn.js';
import { logSoftmax } from '../../src/model/sampling/sample.js';
import { drumEventsToOracle, loadOracle, oracleToDrumEvents, serveCheckpoint } from './magenta-oracle.js';

const FIRST_PITCHES = [36, 38, 42, 46, 45, 48, 50, 49, 51];
// Two bars of a rock beat with a fill, one mapped pitch per class per step.
const PRIMER = [5, 0, 4, 0, 6, 0, 4, 1, 5, 0, 5, 0, 6, 0, 4, 0, 5, 0, 4, 0, 6, 0, 4, 1, 5, 0, 2, 16, 34, 32, 64, 130];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function compare(spec: RandomCheckpointSpec, steps: number, write: WriteOptions = {}) {
  const files = serializeCheckpoint(randomCheckpoint(spec), write);
  const server = await serveCheckpoint(files);
  closers.push(server.close);
  const oracle = await loadOracle(server.url);
  const ref = await oracle.continueSequenceAndReturnProbabilities(drumEventsToOracle(PRIMER, FIRST_PITCHES), steps);
  const refEvents = oracleToDrumEvents(await ref.sequence, steps, FIRST_PITCHES);
  oracle.dispose();

  const checkpoint = await readCheckpoint(memorySource(files));
  const run = (engine: EngineKind) => {
    const model = new MusicRnn(checkpoint, { engine });
    // Teacher-forced on the oracle's events so every engine is judged on the same inputs.
    const state = model.newState();
    for (const e of PRIMER) model.feed(state, e);
    let maxDiff = 0;
    const kl: number[] = [];
    const logProbs = new Float64Array(512);
    ref.probs.forEach((r, s) => {
      logSoftmax(state.logits, 1, logProbs);
      let k = 0;
      for (let i = 0; i < 512; i++) {
        const p = Math.exp(logProbs[i] ?? 0);
        const q = r[i] ?? 0;
        maxDiff = Math.max(maxDiff, Math.abs(p - q));
        if (q > 0) k += q * (Math.log(q) - (logProbs[i] ?? 0));
      }
      kl.push(k);
      model.feed(state, refEvents[s] ?? 0);
    });
    const events = [...continueEvents(model, { events: PRIMER }, steps).events];
    return { maxDiff, kl, events };
  };
  return {
    reference: run('reference'),
    float32: run('float32'),
    int8: run('int8'),
    refEvents,
    refSteps: ref.probs.length,
  };
}

const klSummary = (kl: number[]): string => {
  const mean = kl.reduce((a, b) => a + b, 0) / kl.length;
  return `KL(magenta || int8) per step: mean ${mean.toExponential(2)}, max ${Math.max(...kl).toExponential(2)}`;
};

function expectFloatPathsMatch(r: Awaited<ReturnType<typeof compare>>, label: string): void {
  for (const engine of ['reference', 'float32'] as const) {
    expect(r[engine].maxDiff, engine).toBeLessThan(1e-5);
    expect(r[engine].events, engine).toEqual(r.refEvents);
  }
  console.log(
    `${label}: ${klSummary(r.int8.kl)}; max |p - p_magenta|: reference ${r.reference.maxDiff.toExponential(1)}, wasm float32 ${r.float32.maxDiff.toExponential(1)}`,
  );
  expect(Math.max(...r.int8.kl)).toBeLessThan(5e-3);
}

describe('float path matches @magenta/music', () => {
  it('2 layers, no attention', async () => {
    const r = await compare({ layerUnits: [32, 24], seed: 11 }, 32);
    expect(r.refSteps).toBe(32);
    expectFloatPathsMatch(r, '2x32/24');
  });

  it('3 layers with attention 32', async () => {
    const r = await compare({ layerUnits: [32, 32, 32], attentionLength: 32, seed: 12 }, 48);
    expectFloatPathsMatch(r, '3x32+attn32');
    // A sequence that is not a constant: the comparison exercises many distinct events.
    expect(new Set(r.refEvents).size).toBeGreaterThan(2);
  });

  it('drum_kit_rnn size: 3 x 256 with attention 32', async () => {
    const r = await compare({ layerUnits: [256, 256, 256], attentionLength: 32, seed: 13 }, 32);
    expectFloatPathsMatch(r, '3x256+attn32');
  }, 60_000);

  it.each(['uint8', 'uint16', 'float16'] as const)(
    'a %s checkpoint we write loads there with the same probabilities',
    async (dtype) => {
      const r = await compare({ layerUnits: [32, 32, 32], attentionLength: 32, seed: 14 }, 16, {
        dtype,
        shardBytes: 50_000,
      });
      expectFloatPathsMatch(r, `3x32+attn32 stored ${dtype}`);
    },
  );
});
