import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enginePredictor } from '../eval/engine-predictor.js';
import { evaluate } from '../eval/step-predictor.js';
import { loadMusicRnn } from '../model/music-rnn.js';
import { SeededRandom } from '../util/seeded-random.js';
import { selectTrainBackend } from './backend.js';
import {
  calibrateExportedModel,
  collectStepLogits,
  fitTemperature,
  nllAtScale,
  scoreCalibrated,
  stepAccuracy,
  type StepLogits,
} from './calibration.js';
import { exportDrumModel, FLOAT_SUBDIR } from './model-export.js';
import { DENSE_WEIGHTS, DrumNetwork } from './network.js';

beforeAll(async () => {
  await selectTrainBackend();
});

/** Steps whose events are drawn from softmax(z) while the "model" reports logits overconfidence·z. */
function overconfidentSteps(overconfidence: number, count: number, eventCount = 8): StepLogits {
  const rng = new SeededRandom(9);
  const logits = new Float32Array(count * eventCount);
  const targets = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const z = Array.from({ length: eventCount }, () => 2 * (rng.next() - 0.5) * 2);
    const weights = z.map(Math.exp);
    let draw = rng.next() * weights.reduce((a, b) => a + b, 0);
    targets[s] = weights.findIndex((w) => (draw -= w) <= 0);
    z.forEach((v, i) => (logits[s * eventCount + i] = overconfidence * v));
  }
  return { logits, targets, eventCount };
}

describe('fitTemperature', () => {
  it('finds the temperature that undoes an overconfident model, and lowers its NLL', () => {
    const steps = overconfidentSteps(2, 6000);
    const fit = fitTemperature(steps);
    expect(fit.temperature).toBeGreaterThan(1.8);
    expect(fit.temperature).toBeLessThan(2.2);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore - 0.05);
    expect(fit.nllAfter).toBeCloseTo(nllAtScale(steps, 1 / fit.temperature), 10);
  });

  it('leaves a calibrated model near temperature 1', () => {
    expect(fitTemperature(overconfidentSteps(1, 6000)).temperature).toBeCloseTo(1, 1);
  });
});

describe('calibrateExportedModel', () => {
  const windows = Array.from({ length: 4 }, (_, k) =>
    Uint16Array.from({ length: 48 }, (_, t) => ((t * 7 + k * 3) % 5 === 0 ? 5 : (t + k) % 3 === 0 ? 4 : 0)),
  );

  it('folds the temperature into the output layer of both copies: the engine then scores what the fit promised', async () => {
    const net = new DrumNetwork({ layers: [12], eventCount: 512, counterBits: 6 }, undefined, 4);
    // Untrained output weights scaled up: far from calibrated on these windows.
    net.variable(DENSE_WEIGHTS).assign(tf.mul(net.variable(DENSE_WEIGHTS), 8));
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-calibrate-'));
    await exportDrumModel(dir, net, 'current');
    const before = evaluate(
      enginePredictor(await loadMusicRnn(join(dir, FLOAT_SUBDIR), { engine: 'float32' }), 'before'),
      windows,
    );

    const calibration = await calibrateExportedModel(dir, windows);
    expect(Math.abs(Math.log(calibration.temperature))).toBeGreaterThan(0.1);
    expect(calibration.nllAfter).toBeLessThan(calibration.nllBefore);
    expect(calibration.nllBefore).toBeCloseTo(before.nllPerStep, 4);
    const after = evaluate(
      enginePredictor(await loadMusicRnn(join(dir, FLOAT_SUBDIR), { engine: 'float32' }), 'after'),
      windows,
    );
    expect(after.nllPerStep).toBeCloseTo(calibration.nllAfter, 4);
    expect(after.exactAccuracy).toBe(before.exactAccuracy);
    const quantised = evaluate(enginePredictor(await loadMusicRnn(dir, { engine: 'int8' }), 'int8'), windows);
    expect(Math.abs(quantised.nllPerStep - after.nllPerStep) / after.nllPerStep).toBeLessThan(0.01);

    // Calibrating again finds nothing left to fix; the config records the whole factor.
    const again = await calibrateExportedModel(dir, windows);
    expect(again.temperature).toBeCloseTo(1, 2);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { calibrationTemperature: number };
    expect(config.calibrationTemperature).toBeCloseTo(calibration.temperature * again.temperature, 6);
    net.dispose();
  });
});

describe('scoreCalibrated', () => {
  const windows = Array.from({ length: 5 }, (_, k) =>
    Uint16Array.from({ length: 40 }, (_, t) => ((t + k) % 4 === 0 ? 1 : (t * 5 + k) % 7 === 0 ? 6 : 0)),
  );

  it('past its fitting budget keeps no logits, yet scores every step as if it had', async () => {
    const net = new DrumNetwork({ layers: [10], eventCount: 512, counterBits: 6 }, undefined, 7);
    // Overconfident, and differently so on the first 50 steps than on all of them.
    net.variable(DENSE_WEIGHTS).assign(tf.mul(net.variable(DENSE_WEIGHTS), 40));
    const dir = await mkdtemp(join(tmpdir(), 'antiphon-score-'));
    await exportDrumModel(dir, net, 'current');
    const model = await loadMusicRnn(join(dir, FLOAT_SUBDIR), { engine: 'float32' });
    const all = collectStepLogits(model, windows, Infinity);

    const whole = scoreCalibrated(model, windows);
    const wholeFit = fitTemperature(all);
    expect(whole.steps).toBe(5 * 39);
    expect(whole.temperature).toBeCloseTo(wholeFit.temperature, 10);
    expect(whole.calibratedNll).toBeCloseTo(wholeFit.nllAfter, 10);

    // Fitted on the first 50 steps only: a different temperature, applied to all 195.
    const budgeted = scoreCalibrated(model, windows, 50);
    const partFit = fitTemperature(collectStepLogits(model, windows, 50));
    expect(budgeted.temperature).toBeCloseTo(partFit.temperature, 10);
    expect(Math.abs(budgeted.temperature - whole.temperature)).toBeGreaterThan(1e-3);
    expect(budgeted.steps).toBe(whole.steps);
    expect(budgeted.nllPerStep).toBeCloseTo(nllAtScale(all, 1), 6);
    expect(budgeted.calibratedNll).toBeCloseTo(nllAtScale(all, 1 / budgeted.temperature), 6);
    expect(budgeted.exactAccuracy).toBe(stepAccuracy(all));
    net.dispose();
  });
});
