import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMusicRnn } from '../../src/model/music-rnn.js';
import { logSoftmax } from '../../src/model/sampling/sample.js';
import { selectTrainBackend } from '../../src/train/backend.js';
import { DEFAULT_TRAIN_SETTINGS } from '../../src/train/train-settings.js';
import { trainDrumModel } from '../../src/train/trainer.js';
import { exportDrumModel, FLOAT_SUBDIR } from '../../src/train/model-export.js';
import { drumEventsToOracle, loadOracle, oracleToDrumEvents, serveCheckpoint } from '../engine/magenta-oracle.js';

const FIRST_PITCHES = [36, 38, 42, 46, 45, 48, 50, 49, 51];
const beat = (bars: number, k: number): Uint16Array =>
  Uint16Array.from(
    { length: bars * 16 },
    (_, t) => (t % 8 === 0 ? 5 : t % 8 === 4 ? 6 : t % 2 === 0 ? 4 : 0) | (t % 16 === 14 && k % 2 ? 1 : 0),
  );
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function filesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (e.isFile()) files.set(e.name, await readFile(join(dir, e.name)));
  return files;
}

describe('a model from our trainer', () => {
  it(
    'loads in @magenta/music and gives the probabilities our engine gives (float 1e-5; uint8 copy too)',
    { timeout: 120_000 },
    async () => {
      await selectTrainBackend();
      const out = await mkdtemp(join(tmpdir(), 'antiphon-compat-'));
      const data = Array.from({ length: 6 }, (_, k) => beat(8, k));
      const settings = {
        ...DEFAULT_TRAIN_SETTINGS,
        layers: [32, 24],
        batch: 8,
        cropSteps: 32,
        epochs: 2,
        dropout: 0,
        learningRate: 0.01,
      };
      const result = await trainDrumModel({
        settings,
        train: data,
        validation: data.slice(0, 2),
        outDir: out,
        resume: false,
        write: () => undefined,
      });
      await exportDrumModel(out, result.best, 'current');
      result.best.dispose();
      // @magenta/music brings its own (older) tfjs, which shares the global kernel registry: its
      // ops must run on the CPU backend both versions register, not on our wasm backend.
      await tf.setBackend('cpu');

      for (const dir of [join(out, FLOAT_SUBDIR), out]) {
        const server = await serveCheckpoint(await filesOf(dir));
        closers.push(server.close);
        const oracle = await loadOracle(server.url);
        const primer = [...(data[1] ?? [])].slice(0, 32);
        const steps = 16;
        const ref = await oracle.continueSequenceAndReturnProbabilities(
          drumEventsToOracle(primer, FIRST_PITCHES),
          steps,
        );
        const refEvents = oracleToDrumEvents(await ref.sequence, steps, FIRST_PITCHES);
        oracle.dispose();
        const model = await loadMusicRnn(dir, { engine: 'reference' });
        const state = model.newState();
        for (const e of primer) model.feed(state, e);
        const logProbs = new Float64Array(512);
        let maxDiff = 0;
        ref.probs.forEach((p, s) => {
          logSoftmax(state.logits, 1, logProbs);
          for (let i = 0; i < 512; i++) maxDiff = Math.max(maxDiff, Math.abs(Math.exp(logProbs[i] ?? 0) - (p[i] ?? 0)));
          model.feed(state, refEvents[s] ?? 0);
        });
        expect(ref.probs).toHaveLength(steps);
        expect(maxDiff, dir).toBeLessThan(1e-5);
      }
    },
  );
});
