import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enginePredictor } from '../eval/engine-predictor.js';
import { evaluate } from '../eval/step-predictor.js';
import { trainUnigram } from '../eval/baselines.js';
import { loadMusicRnn } from '../model/music-rnn.js';
import { selectTrainBackend } from './backend.js';
import { exportDrumModel, FLOAT_SUBDIR } from './model-export.js';
import { DrumNetwork } from './network.js';
import { evaluateNetwork } from './network-eval.js';
import { validateWithEngine } from './engine-validation.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from './train-settings.js';
import { trainDrumModel } from './trainer.js';
import type { DrumHit } from '../data/drum-windows.js';

/** A varied but learnable corpus: rock beats with a fill every fourth bar, a few variations. */
function corpus(count: number, bars: number): Uint16Array[] {
  return Array.from({ length: count }, (_, k) =>
    Uint16Array.from({ length: bars * 16 }, (_, t) => {
      const s = t % 16;
      if (Math.floor(t / 16) % 4 === 3 && s >= 12) return 1 << (4 + ((s + k) % 3));
      return (s % 8 === 0 ? 1 : 0) | (s % 8 === 4 ? 2 : 0) | (s % 2 === 0 ? 4 : 0) | (k % 2 === 1 && s === 14 ? 1 : 0);
    }),
  );
}

/** The corpus's hits with a feel: every third one soft, offsets spread over the step. */
function hitsOf(windows: readonly Uint16Array[]): DrumHit[][] {
  return windows.map((events) =>
    [...events].flatMap((e, step) =>
      [...Array(9).keys()]
        .filter((c) => e & (1 << c))
        .map((drumClass) => ({
          step,
          drumClass,
          velocity: step % 3 === 0 ? 30 : 90,
          offsetSteps: ((step % 5) - 2) / 5,
        })),
    ),
  );
}

const tiny: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  layers: [24, 16],
  batch: 8,
  cropSteps: 32,
  epochs: 3,
  evalsPerEpoch: 1,
  dropout: 0,
  learningRate: 0.01,
  checkpointMinutes: 60,
};

beforeAll(async () => {
  await selectTrainBackend();
});

describe('DrumNetwork (trainer) and the engine agree', () => {
  it('gives the same NLL in the trainer loss, the trainer eval and the engine, float and uint8', async () => {
    const windows = corpus(3, 4);
    const net = new DrumNetwork({ layers: [24, 16], eventCount: 512, counterBits: 6 });
    const w = windows[0] as Uint16Array;
    const steps = w.length - 1;
    const col = (t: number, off: number) => tf.tensor1d([w[t + off] ?? 0], 'int32');
    const lossValue = tf.tidy(
      () =>
        net
          .loss(
            Array.from({ length: steps }, (_, t) => col(t, 0)),
            Array.from({ length: steps }, (_, t) => col(t, 1)),
            Array.from({ length: steps }, () => tf.ones([1]) as tf.Tensor1D),
          )
          .dataSync()[0],
    );
    const trainerEval = evaluateNetwork(net, [w]);
    expect(trainerEval.nllPerStep).toBeCloseTo(lossValue ?? NaN, 5);

    const dir = await mkdtemp(join(tmpdir(), 'antiphon-export-'));
    await exportDrumModel(dir, net, 'current');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      dataConverter: { args: { pitchClasses: number[][] } };
    };
    expect(config.dataConverter.args.pitchClasses[2]).toContain(22); // the map travels with the model
    const engine = evaluate(
      enginePredictor(await loadMusicRnn(join(dir, FLOAT_SUBDIR), { engine: 'reference' }), 'ref'),
      windows,
    );
    const trainer = evaluateNetwork(net, windows);
    expect(engine.nllPerStep).toBeCloseTo(trainer.nllPerStep, 5);
    expect(engine.exactAccuracy).toBe(trainer.exactAccuracy);
    const quantized = evaluate(enginePredictor(await loadMusicRnn(dir, { engine: 'int8' }), 'int8'), windows);
    expect(Math.abs(quantized.nllPerStep - trainer.nllPerStep) / trainer.nllPerStep).toBeLessThan(0.01);
    net.dispose();
  });
});

describe('trainDrumModel', () => {
  it('learns a corpus well below the unigram and keeps the best weights', { timeout: 120_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'antiphon-train-'));
    const log: string[] = [];
    const data = corpus(8, 8);
    const result = await trainDrumModel({
      settings: { ...tiny, epochs: 10, learningRate: 0.02 },
      train: data,
      validation: corpus(2, 8),
      outDir: out,
      resume: false,
      write: (s) => log.push(s),
    });
    const history = result.progress.history;
    expect(history.length).toBeGreaterThanOrEqual(5);
    const unigram = evaluate(trainUnigram(data), corpus(2, 8)).nllPerStep;
    expect(result.progress.bestValLoss).toBeLessThan(unigram - 0.5);
    // Selection is on the calibrated NLL; the kept weights are those of that validation.
    expect(Math.min(...history.map((h) => h.valCalibrated ?? NaN))).toBe(result.progress.bestValLoss);
    const bestPoint = history.find((h) => h.valCalibrated === result.progress.bestValLoss);
    expect(bestPoint?.valCalibrated).toBeLessThanOrEqual(bestPoint?.valLoss ?? NaN);
    expect(evaluateNetwork(result.best, corpus(2, 8)).nllPerStep).toBeCloseTo(bestPoint?.valLoss ?? NaN, 5);
    expect(await readFile(join(out, 'loss.svg'), 'utf8')).toContain('<polyline');
    expect(log.join('')).toMatch(/steps\/s/);
    result.best.dispose();
  });

  it(
    'a fine-tune that only gets worse keeps, and exports, the model it started from',
    { timeout: 120_000 },
    async () => {
      const data = corpus(6, 8);
      const validation = corpus(2, 8);
      const quiet = () => undefined;
      const base = await trainDrumModel({
        settings: tiny,
        train: data,
        validation,
        outDir: await mkdtemp(join(tmpdir(), 'antiphon-base-')),
        resume: false,
        write: quiet,
      });
      const startNll = evaluateNetwork(base.best, validation).nllPerStep;
      const startCalibrated = (await validateWithEngine(base.best, 'current', validation)).calibratedNll;
      const initial = new Map([...base.best.variables].map(([k, v]) => [k, v as tf.Tensor]));
      const exported: number[] = [];
      const ruined = await trainDrumModel({
        settings: { ...tiny, learningRate: 5, epochs: 2 },
        train: data,
        validation,
        outDir: await mkdtemp(join(tmpdir(), 'antiphon-ruin-')),
        resume: false,
        initial,
        write: quiet,
        onImproved: (net) => {
          exported.push(evaluateNetwork(net, validation).nllPerStep);
          return Promise.resolve();
        },
      });
      expect(ruined.progress.history.every((h) => (h.valCalibrated ?? NaN) > startCalibrated + 0.01)).toBe(true);
      expect(ruined.progress.bestValLoss).toBeCloseTo(startCalibrated, 4);
      expect(evaluateNetwork(ruined.best, validation).nllPerStep).toBeCloseTo(startNll, 4);
      expect(exported).toHaveLength(1);
      expect(exported[0]).toBeCloseTo(startNll, 4);
      base.best.dispose();
      ruined.best.dispose();
    },
  );

  it(
    'goes on when a run that ran out of epochs is resumed with more, and stays stopped when patience ended it',
    { timeout: 120_000 },
    async () => {
      const data = corpus(6, 8);
      const validation = corpus(2, 8);
      const quiet = () => undefined;
      const out = await mkdtemp(join(tmpdir(), 'antiphon-cap-'));
      const capped = await trainDrumModel({
        settings: tiny,
        train: data,
        validation,
        outDir: out,
        resume: true,
        write: quiet,
      });
      expect(capped.progress.finished).toBe(true);
      capped.best.dispose();
      const log: string[] = [];
      const longer = await trainDrumModel({
        settings: { ...tiny, epochs: 6 },
        train: data,
        validation,
        outDir: out,
        resume: true,
        write: (s) => log.push(s),
      });
      expect(log.join('')).toContain(
        `reopening: the run had stopped at its epoch cap after ${capped.progress.batches} batches`,
      );
      expect(longer.progress.finished).toBe(true);
      expect(longer.progress.batches).toBe(2 * capped.progress.batches);
      expect(log.join('')).not.toContain('warm restart');
      longer.best.dispose();

      // Reopened with a warm restart: the next epochs run at the given rate, whatever it had decayed to.
      const restarted: string[] = [];
      const warm = await trainDrumModel({
        settings: { ...tiny, epochs: 8 },
        train: data,
        validation,
        outDir: out,
        resume: true,
        restartLearningRate: 0.0123,
        write: (s) => restarted.push(s),
      });
      expect(restarted.join('')).toContain('warm restart at learning rate 0.0123');
      const afterRestart = warm.progress.history.find((h) => h.batches > longer.progress.batches);
      expect(afterRestart?.lr).toBe(0.0123);
      warm.best.dispose();

      // Patience of one: the first validation that fails to improve ends the run for good.
      const impatient: TrainSettings = { ...tiny, epochs: 40, learningRate: 0.5, stopPatience: 1, decayPatience: 1 };
      const outStopped = await mkdtemp(join(tmpdir(), 'antiphon-patience-'));
      const stopped = await trainDrumModel({
        settings: impatient,
        train: data,
        validation,
        outDir: outStopped,
        resume: true,
        write: quiet,
      });
      expect(stopped.progress.finished).toBe(true);
      expect(stopped.progress.sinceBest).toBe(1);
      stopped.best.dispose();
      const again: string[] = [];
      const resumed = await trainDrumModel({
        settings: { ...impatient, epochs: 80 },
        train: data,
        validation,
        outDir: outStopped,
        resume: true,
        write: (s) => again.push(s),
      });
      expect(again.join('')).not.toContain('reopening');
      const ignored: string[] = [];
      (
        await trainDrumModel({
          settings: { ...impatient, epochs: 80 },
          train: data,
          validation,
          outDir: outStopped,
          resume: true,
          restartLearningRate: 0.1,
          write: (s) => ignored.push(s),
        })
      ).best.dispose();
      expect(ignored.join('')).toContain('--restart-lr applies only when reopening');
      expect(resumed.progress.batches).toBe(stopped.progress.batches);
      resumed.best.dispose();
    },
  );

  it.each<[string, TrainSettings]>([
    ['crops', tiny],
    ['streaming whole files', { ...tiny, streaming: true, cropSteps: 64, batch: 2 }],
    ['weight-drop and input-drop, masks seeded by batch', { ...tiny, weightDrop: 0.3, inputDrop: 0.1 }],
    ['factored events with their decay', { ...tiny, factoredEvents: true, eventDecay: 1e-4 }],
    ['validating a moving average of the weights', { ...tiny, averageDecay: 0.9 }],
    [
      'augmented crops, drawn from the run seed',
      { ...tiny, augment: { ghostDrop: 0.5, hatRideSwap: 0.5, tomSwap: 0.5, gridJitter: 0.3 } },
    ],
  ])(
    'resumed after an interruption (%s), it ends exactly where an uninterrupted run ends',
    { timeout: 120_000 },
    async (_name, tiny) => {
      const data = corpus(6, 8);
      const validation = corpus(2, 8);
      const quiet = () => undefined;
      const whole = await trainDrumModel({
        settings: tiny,
        train: data,
        trainHits: hitsOf(data),
        validation,
        outDir: await mkdtemp(join(tmpdir(), 'antiphon-a-')),
        resume: false,
        write: quiet,
      });
      const out = await mkdtemp(join(tmpdir(), 'antiphon-b-'));
      const first = await trainDrumModel({
        settings: tiny,
        train: data,
        trainHits: hitsOf(data),
        validation,
        outDir: out,
        resume: true,
        maxBatchesThisRun: 5,
        write: quiet,
      });
      expect(first.progress.finished).toBe(false);
      first.best.dispose();
      const log: string[] = [];
      const second = await trainDrumModel({
        settings: tiny,
        train: data,
        trainHits: hitsOf(data),
        validation,
        outDir: out,
        resume: true,
        write: (s) => log.push(s),
      });
      expect(log.join('')).toContain('resuming after 5 batches');
      expect(second.progress.batches).toBe(whole.progress.batches);
      expect(second.progress.bestValLoss).toBeCloseTo(whole.progress.bestValLoss, 4);
      whole.best.dispose();
      second.best.dispose();
    },
  );
});
