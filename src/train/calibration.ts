import { join } from 'node:path';
import { readCheckpoint } from '../model/checkpoint/reader.js';
import { folderSource } from '../model/checkpoint/source.js';
import { writeCheckpoint } from '../model/checkpoint/writer.js';
import { MusicRnn } from '../model/music-rnn.js';
import { argmax } from '../model/sampling/sample.js';
import { enginePredictor, logSoftmaxAt } from '../eval/engine-predictor.js';
import { evaluate } from '../eval/step-predictor.js';
import { DENSE_BIASES, DENSE_WEIGHTS } from './network.js';
import { FLOAT_SUBDIR } from './model-export.js';

/** What calibration found and did. */
export interface Calibration {
  /** Softmax temperature folded into the output layer (logits divided by it). */
  readonly temperature: number;
  /** Validation NLL per step before and after, on the steps it was fitted on. */
  readonly nllBefore: number;
  readonly nllAfter: number;
  readonly steps: number;
}

/** Logits of every scored step, event-major, with the event that followed. */
export interface StepLogits {
  readonly logits: Float32Array;
  readonly targets: Int32Array;
  readonly eventCount: number;
}

/** Enough steps to pin one scalar down; bounds memory (512 floats a step) on large folders. */
const MAX_CALIBRATION_STEPS = 65_536;

/** Runs the windows through the engine as validation does and keeps each step's logits. */
export function collectStepLogits(
  model: MusicRnn,
  windows: readonly Uint16Array[],
  maxSteps = MAX_CALIBRATION_STEPS,
): StepLogits {
  const eventCount = model.newState().logits.length;
  const total = Math.min(
    maxSteps,
    windows.reduce((s, w) => s + Math.max(0, w.length - 1), 0),
  );
  const logits = new Float32Array(total * eventCount);
  const targets = new Int32Array(total);
  let step = 0;
  for (const events of windows) {
    const state = model.newState(0);
    for (let t = 0; t + 1 < events.length && step < total; t++, step++) {
      model.feed(state, events[t] ?? 0);
      logits.set(state.logits, step * eventCount);
      targets[step] = events[t + 1] ?? 0;
    }
  }
  return { logits, targets, eventCount };
}

/** Mean NLL per step with every logit multiplied by `scale` (1 / temperature). */
export function nllAtScale(steps: StepLogits, scale: number): number {
  let nll = 0;
  for (let s = 0; s < steps.targets.length; s++)
    nll -= logSoftmaxAt(stepRow(steps, s), steps.targets[s] ?? 0, scale).logProb;
  return steps.targets.length > 0 ? nll / steps.targets.length : NaN;
}

/** Fraction of steps whose highest logit is the event that followed. */
export function stepAccuracy(steps: StepLogits): number {
  let exact = 0;
  for (let s = 0; s < steps.targets.length; s++) if (argmax(stepRow(steps, s)) === steps.targets[s]) exact++;
  return steps.targets.length > 0 ? exact / steps.targets.length : NaN;
}

function stepRow({ logits, eventCount }: StepLogits, step: number): Float32Array {
  return logits.subarray(step * eventCount, (step + 1) * eventCount);
}

/**
 * The temperature that minimises NLL (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks"): a network that has begun to memorise its training set is overconfident, and one
 * scalar fitted on validation removes most of that without touching which event it ranks first.
 * NLL is convex in the logit scale, so a golden-section search finds the optimum.
 */
export function fitTemperature(steps: StepLogits): Omit<Calibration, 'steps'> {
  const golden = (Math.sqrt(5) - 1) / 2;
  let lo = 0.2;
  let hi = 3;
  let a = hi - golden * (hi - lo);
  let b = lo + golden * (hi - lo);
  let fa = nllAtScale(steps, a);
  let fb = nllAtScale(steps, b);
  while (hi - lo > 1e-3) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - golden * (hi - lo);
      fa = nllAtScale(steps, a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + golden * (hi - lo);
      fb = nllAtScale(steps, b);
    }
  }
  const scale = (lo + hi) / 2;
  return { temperature: 1 / scale, nllBefore: nllAtScale(steps, 1), nllAfter: nllAtScale(steps, scale) };
}

/** A model's figures on some windows, raw and at the temperature fitted on them. */
export interface CalibratedFigures {
  readonly nllPerStep: number;
  readonly exactAccuracy: number;
  readonly steps: number;
  readonly calibratedNll: number;
  readonly temperature: number;
}

/**
 * Scores every step of `windows` raw and calibrated, the temperature fitted on the first
 * `maxFitSteps` of them. Memory stays bounded: past that many steps the logits are not kept,
 * and the figures come from two more passes through the engine instead.
 */
export function scoreCalibrated(
  model: MusicRnn,
  windows: readonly Uint16Array[],
  maxFitSteps = MAX_CALIBRATION_STEPS,
): CalibratedFigures {
  const sample = collectStepLogits(model, windows, maxFitSteps);
  const fit = fitTemperature(sample);
  const steps = windows.reduce((s, w) => s + Math.max(0, w.length - 1), 0);
  if (sample.targets.length === steps) {
    return {
      nllPerStep: fit.nllBefore,
      exactAccuracy: stepAccuracy(sample),
      steps,
      calibratedNll: fit.nllAfter,
      temperature: fit.temperature,
    };
  }
  const raw = evaluate(enginePredictor(model, 'raw'), windows);
  const calibrated = evaluate(enginePredictor(model, 'calibrated', 1 / fit.temperature), windows);
  return {
    nllPerStep: raw.nllPerStep,
    exactAccuracy: raw.exactAccuracy,
    steps,
    calibratedNll: calibrated.nllPerStep,
    temperature: fit.temperature,
  };
}

/**
 * Fits the temperature of an exported model (`dir` and its float copy) on `validation` and
 * folds it into the output layer: weights and biases divided by it, both copies rewritten.
 * The checkpoint stays plain magenta-js and the box needs nothing new.
 */
export async function calibrateExportedModel(dir: string, validation: readonly Uint16Array[]): Promise<Calibration> {
  const floatDir = join(dir, FLOAT_SUBDIR);
  const checkpoint = await readCheckpoint(folderSource(floatDir));
  const steps = collectStepLogits(new MusicRnn(checkpoint, { engine: 'float32' }), validation);
  const fit = fitTemperature(steps);
  const tensors = [...checkpoint.tensors.values()].map((t) =>
    t.name === DENSE_WEIGHTS || t.name === DENSE_BIASES
      ? { name: t.name, shape: t.shape, values: t.values.map((v) => v / fit.temperature) }
      : { name: t.name, shape: t.shape, values: t.values },
  );
  // Cumulative, so calibrating a calibrated model (a fine-tune of it, a repeated --finish) records the whole factor.
  const earlier =
    typeof checkpoint.rawConfig.calibrationTemperature === 'number' ? checkpoint.rawConfig.calibrationTemperature : 1;
  const config = { ...checkpoint.rawConfig, calibrationTemperature: earlier * fit.temperature };
  await writeCheckpoint(dir, { config, tensors }, { dtype: 'uint8' });
  await writeCheckpoint(floatDir, { config, tensors }, { dtype: 'float32' });
  return { ...fit, steps: steps.targets.length };
}
