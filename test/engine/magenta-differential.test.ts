import { afterAll, describe, expect, it } from 'vitest';
import type { RandomCheckpointSpec } from '../../src/model/checkpoint/random-checkpoint.js';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { memorySource } from '../../src/model/checkpoint/source.js';
import type { WriteOptions } from '../../src/model/checkpoint/writer.js';
import { serializeCheckpoint } from '../../src/model/checkpoint/writer.js';
import { continueEvents } from '../../src/model/generate.js';
import { MusicRnn } from '../../src/model/music-rnn.js';
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

  const model = new MusicRnn(await readCheckpoint(memorySource(files)));
  const ours = continueEvents(model, { events: PRIMER }, steps, { returnProbabilities: true });
  let maxDiff = 0;
  ours.probabilities?.forEach((p, s) => {
    const r = ref.probs[s];
    if (r === undefined) throw new Error(`oracle gave no probabilities for step ${s}`);
    for (let i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff, Math.abs((p[i] ?? 0) - (r[i] ?? 0)));
  });
  return { maxDiff, ours: [...ours.events], refEvents, refSteps: ref.probs.length };
}

describe('float path matches @magenta/music', () => {
  it('2 layers, no attention', async () => {
    const r = await compare({ layerUnits: [32, 24], seed: 11 }, 32);
    expect(r.refSteps).toBe(32);
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect(r.ours).toEqual(r.refEvents);
  });

  it('3 layers with attention 32', async () => {
    const r = await compare({ layerUnits: [32, 32, 32], attentionLength: 32, seed: 12 }, 48);
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect(r.ours).toEqual(r.refEvents);
    // A sequence that is not a constant: the comparison exercises many distinct events.
    expect(new Set(r.ours).size).toBeGreaterThan(2);
  });

  it('drum_kit_rnn size: 3 x 256 with attention 32', async () => {
    const r = await compare({ layerUnits: [256, 256, 256], attentionLength: 32, seed: 13 }, 16);
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect(r.ours).toEqual(r.refEvents);
  }, 60_000);

  it.each(['uint8', 'uint16', 'float16'] as const)('a %s checkpoint we write loads there with the same probabilities', async (dtype) => {
    const r = await compare({ layerUnits: [32, 32, 32], attentionLength: 32, seed: 14 }, 16, { dtype, shardBytes: 50_000 });
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect(r.ours).toEqual(r.refEvents);
  });
});
