import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DRUM_EVENT_COUNT } from '../model/encoding/drum-pitch-maps.js';
import { countUnigram } from '../eval/baselines.js';
import { BatchSampler, disposeBatch, type StepBatch } from './batch-sampler.js';
import { SeededRandom } from '../util/seeded-random.js';
import { DrumNetwork, type RecurrentState } from './network.js';
import { StreamSampler } from './stream-sampler.js';
import { validateWithEngine } from './engine-validation.js';
import { lossCurveSvg } from './loss-plot.js';
import { loadTrainState, saveTrainState, type SavedTensor, type TrainProgress } from './train-state.js';
import type { TrainSettings } from './train-settings.js';
import type { Regularisation } from './regularisation.js';
import { ProgressLine } from './progress-line.js';
import { WeightAverage } from './weight-average.js';
import { augmentationActive } from './augmentation.js';
import { SUPPORTED_STEPS_PER_BAR, type DrumHit } from '../data/drum-windows.js';

const COUNTER_BITS = 6;

export interface TrainInputs {
  readonly settings: TrainSettings;
  readonly train: readonly Uint16Array[];
  /** Each training window's hits (velocity, offset), parallel to `train`: needed by augmentation. */
  readonly trainHits?: readonly (readonly DrumHit[])[];
  readonly validation: readonly Uint16Array[];
  readonly outDir: string;
  readonly resume: boolean;
  /** Weights to start from (fine-tuning), by magenta-js name. */
  readonly initial?: ReadonlyMap<string, tf.Tensor>;
  /** Baselines drawn on the loss plot. */
  readonly baselines?: readonly { name: string; nll: number }[];
  /** Stop after this many batches in this process (tests; a killed run is simulated this way). */
  readonly maxBatchesThisRun?: number;
  /**
   * A warm restart: when a run that used up its epochs is reopened with more, it goes on at this
   * learning rate with a fresh plateau count, instead of the rate it had decayed to.
   */
  readonly restartLearningRate?: number;
  /** Checked after every batch: true ends this process's share of the run (resumable). */
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
  readonly write?: (text: string) => void;
  /** Called with the best weights whenever validation improves. */
  readonly onImproved?: (net: DrumNetwork, progress: TrainProgress) => Promise<void>;
}

export interface TrainResult {
  readonly progress: TrainProgress;
  /** The best network seen on validation (caller disposes). */
  readonly best: DrumNetwork;
  readonly stateDir: string;
}

/**
 * Trains (or fine-tunes, or resumes) a drum MusicRNN. Validation decides everything: the best
 * weights are kept, the learning rate halves on a plateau, training stops on a longer one.
 * The resumable state is written every `checkpointMinutes` and at each validation.
 */
export async function trainDrumModel(inputs: TrainInputs): Promise<TrainResult> {
  const { settings, outDir } = inputs;
  const now = inputs.now ?? (() => performance.now() / 1000);
  const write = inputs.write ?? ((s: string) => process.stderr.write(s));
  const stateDir = join(outDir, 'train-state');
  await mkdir(outDir, { recursive: true });
  const shape = {
    layers: settings.layers,
    eventCount: DRUM_EVENT_COUNT,
    counterBits: COUNTER_BITS,
    ...(settings.attentionLength ? { attentionLength: settings.attentionLength } : {}),
    ...(settings.factoredEvents ? { factoredEvents: true } : {}),
  };
  const saved = inputs.resume ? await loadTrainState(stateDir) : undefined;
  const optimizer = tf.train.adam(settings.learningRate);
  let net: DrumNetwork;
  let progress: TrainProgress;
  let carried: tf.Tensor2D[] | undefined;
  if (saved) {
    const byName = new Map(saved.tensors.map((t) => [t.name, tf.tensor(t.values, t.shape)]));
    net = new DrumNetwork(shape, byName);
    const slots = saved.tensors
      .filter((t) => t.name.startsWith('adam:'))
      .map((t) => ({ name: t.name.slice(5), tensor: byName.get(t.name) as tf.Tensor }));
    if (slots.length > 0) await optimizer.setWeights(slots);
    // A resumed run may be a later phase with other options: the report shows the latest.
    progress = { ...saved.progress, settings };
    const carry = saved.tensors.filter((t) => t.name.startsWith(CARRY_PREFIX));
    if (carry.length > 0) carried = carry.map((t) => byName.get(t.name) as tf.Tensor2D);
    setLearningRate(optimizer, progress.lr);
    write(`resuming after ${progress.batches} batches (${(progress.seconds / 60).toFixed(1)} min trained)\n`);
  } else {
    net = new DrumNetwork(shape, inputs.initial, settings.seed);
    if (!inputs.initial) net.initOutputBias(countUnigram(inputs.train));
    progress = {
      settings,
      batches: 0,
      seconds: 0,
      rngState: settings.seed,
      lr: settings.learningRate,
      bestValLoss: Infinity,
      bestAtBatches: 0,
      sinceBest: 0,
      history: [],
      finished: false,
    };
  }
  const sampler = makeSampler(inputs, progress);
  const batchesPerEpoch = Math.max(1, Math.round(sampler.totalSteps / (settings.batch * settings.cropSteps)));
  const evalEvery = Math.max(1, Math.round(batchesPerEpoch / settings.evalsPerEpoch));
  const totalBatches = Math.round(settings.epochs * batchesPerEpoch);
  if (stoppedAtCap(progress, settings) && progress.batches < totalBatches) {
    // A run that ran out of epochs, not out of patience, goes on when given more of them.
    progress.finished = false;
    write(
      `reopening: the run had stopped at its epoch cap after ${progress.batches} batches; going on to ${totalBatches}\n`,
    );
    if (inputs.restartLearningRate !== undefined) {
      progress.lr = inputs.restartLearningRate;
      progress.sinceBest = 0;
      setLearningRate(optimizer, progress.lr);
      write(`warm restart at learning rate ${progress.lr}\n`);
    }
  } else if (inputs.restartLearningRate !== undefined) {
    write('--restart-lr applies only when reopening a run that used up its epochs; the run goes on at its own rate\n');
  }
  const best = new DrumNetwork(shape, new Map([...net.variables].map(([k, v]) => [k, v as tf.Tensor])));
  const average = settings.averageDecay
    ? new WeightAverage(new DrumNetwork(shape, averageStart(saved?.tensors, net)), settings.averageDecay)
    : undefined;
  // What validation scores and the best copy keeps: the averaged weights when averaging.
  const scored = average?.net ?? net;
  const rng = new SeededRandom(progress.rngState);
  const bar = new ProgressLine(write, totalBatches);
  const variables = [...net.variables.values()];
  let lastCheckpoint = now();
  let lastTick = now();
  let lossSum = 0;
  let lossCount = 0;
  let runBatches = 0;
  if (progress.history.length === 0 && !saved) {
    const start = await validateWithEngine(net, settings.pitchMap, inputs.validation);
    write(
      `validation before training: ${start.nllPerStep.toFixed(4)} nats/step (calibrated ${start.calibratedNll.toFixed(4)})\n`,
    );
    if (inputs.initial) {
      // A fine-tune must beat the model it starts from; until it does, that model is the best.
      progress.bestValLoss = start.calibratedNll;
      await inputs.onImproved?.(best, progress);
    }
  }
  while (!progress.finished && progress.batches < totalBatches) {
    if (inputs.maxBatchesThisRun !== undefined && runBatches >= inputs.maxBatchesThisRun) break;
    if (inputs.shouldStop?.() === true) break;
    const batch = sampler.sample(settings.batch, rng);
    const step = trainStep(net, optimizer, variables, batch, regularisationFor(settings, progress.batches), carried);
    disposeBatch(batch);
    const loss = step.loss;
    average?.update(net, progress.batches + 1);
    if (step.final) {
      for (const t of carried ?? []) t.dispose();
      carried = [...step.final];
    }
    if (sampler instanceof StreamSampler) progress.streams = sampler.positions;
    lossSum += loss;
    lossCount++;
    progress.batches++;
    runBatches++;
    const t = now();
    progress.seconds += t - lastTick;
    lastTick = t;
    progress.rngState = rng.seedState;
    bar.update(
      progress.batches,
      progress.seconds,
      lossSum / lossCount,
      progress.bestValLoss,
      (settings.batch * settings.cropSteps * progress.batches) / Math.max(progress.seconds, 1e-9),
    );
    if (progress.batches % evalEvery === 0 || progress.batches === totalBatches) {
      const val = await validateWithEngine(scored, settings.pitchMap, inputs.validation);
      progress.history.push({
        batches: progress.batches,
        epoch: progress.batches / batchesPerEpoch,
        trainLoss: lossSum / lossCount,
        valLoss: val.nllPerStep,
        valCalibrated: val.calibratedNll,
        temperature: val.temperature,
        valAccuracy: val.exactAccuracy,
        seconds: progress.seconds,
        lr: progress.lr,
      });
      lossSum = 0;
      lossCount = 0;
      if (val.calibratedNll < progress.bestValLoss) {
        progress.bestValLoss = val.calibratedNll;
        progress.bestAtBatches = progress.batches;
        progress.sinceBest = 0;
        copyInto(best, scored);
        await inputs.onImproved?.(best, progress);
      } else {
        progress.sinceBest++;
        if (progress.sinceBest % settings.decayPatience === 0) {
          progress.lr /= 2;
          setLearningRate(optimizer, progress.lr);
        }
        if (progress.sinceBest >= settings.stopPatience) progress.finished = true;
      }
      bar.note(
        `epoch ${(progress.batches / batchesPerEpoch).toFixed(2)}: validation ${val.nllPerStep.toFixed(4)} nats/step (calibrated ${val.calibratedNll.toFixed(4)} at temperature ${val.temperature.toFixed(2)}), exact ${(100 * val.exactAccuracy).toFixed(1)}%${progress.sinceBest === 0 ? ' (best)' : ''}, lr ${progress.lr}`,
      );
      await writeCurves(outDir, progress, inputs.baselines ?? []);
      await checkpoint(stateDir, progress, net, optimizer, carried, average?.net);
      lastCheckpoint = now();
    } else if (now() - lastCheckpoint >= settings.checkpointMinutes * 60) {
      await checkpoint(stateDir, progress, net, optimizer, carried, average?.net);
      lastCheckpoint = now();
    }
  }
  if (progress.batches >= totalBatches) progress.finished = true;
  await checkpoint(stateDir, progress, net, optimizer, carried, average?.net);
  bar.done();
  for (const t of carried ?? []) t.dispose();
  net.dispose();
  average?.net.dispose();
  optimizer.dispose();
  // A resumed run that never validated again still holds the best weights in its saved best.
  return { progress, best, stateDir };
}

/** Independent crops (augmented when asked) or streamed files. */
function makeSampler(inputs: TrainInputs, progress: TrainProgress): BatchSampler | StreamSampler {
  const { settings } = inputs;
  const augment = augmentationActive(settings.augment) ? settings.augment : undefined;
  if (settings.streaming) {
    if (augment) throw new Error('augmentation works on independent crops; it does not combine with streaming');
    return new StreamSampler(inputs.train, settings.cropSteps, progress.streams);
  }
  if (!augment) return new BatchSampler(inputs.train, settings.cropSteps);
  if (!inputs.trainHits) throw new Error("augmentation needs the training windows' hits (trainHits)");
  return new BatchSampler(inputs.train, settings.cropSteps, SUPPORTED_STEPS_PER_BAR, {
    settings: augment,
    hits: inputs.trainHits,
  });
}

/** Finished because the epochs ran out, not because validation stopped improving. */
function stoppedAtCap(progress: TrainProgress, settings: TrainSettings): boolean {
  return progress.finished && progress.sinceBest < settings.stopPatience;
}

/** Carried streaming state is checkpointed under these names, in RecurrentState order. */
const CARRY_PREFIX = 'carry:';
/** The weight average is checkpointed under these names (variable names after the prefix). */
const AVERAGE_PREFIX = 'average:';

/** A resumed run's saved average; a new run's average starts at its first weights. */
function averageStart(saved: readonly SavedTensor[] | undefined, net: DrumNetwork): Map<string, tf.Tensor> {
  const kept = (saved ?? []).filter((t) => t.name.startsWith(AVERAGE_PREFIX));
  if (kept.length > 0)
    return new Map(kept.map((t) => [t.name.slice(AVERAGE_PREFIX.length), tf.tensor(t.values, t.shape)]));
  return new Map([...net.variables].map(([k, v]) => [k, v as tf.Tensor]));
}

/**
 * One update. In streaming mode the lanes start from the state `carried` left (zeroed where a
 * lane starts a new file) and the state after the crop is returned for the next batch; no
 * gradient flows into it (truncated back-propagation).
 */
function trainStep(
  net: DrumNetwork,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batch: StepBatch,
  reg: Regularisation & { readonly clipNorm: number },
  carried: RecurrentState | undefined,
): { loss: number; final?: RecurrentState } {
  let final: RecurrentState | undefined;
  const loss = tf.tidy(() => {
    const carries = batch.carries;
    const lanes = batch.inputs[0]?.shape[0] ?? 0;
    const keep = carries ? tf.tensor2d(carries, [lanes, 1]) : undefined;
    const initial = keep ? (carried ?? net.zeroState(lanes)).map((s) => tf.mul(s, keep) as tf.Tensor2D) : undefined;
    const carry = initial ? { initial, keepFinal: (s: RecurrentState) => (final = s) } : undefined;
    // The penalties steer the gradient; the NLL alone is what the run reports as its training loss.
    let nll: tf.Scalar | undefined;
    const { grads } = tf.variableGrads(() => {
      const terms = net.lossTerms(batch.inputs, batch.targets, batch.masks, reg, carry);
      nll = tf.keep(terms.nll);
      return tf.add(terms.nll, terms.penalty) as tf.Scalar;
    }, variables);
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(reg.clipNorm, tf.maximum(norm, 1e-6)));
    const clipped: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    optimizer.applyGradients(clipped);
    const value = nll?.dataSync()[0] ?? NaN;
    nll?.dispose();
    return value;
  });
  return final ? { loss, final } : { loss };
}

/**
 * The regularisers of one batch. Weight-drop, input-drop and locked-dropout masks are seeded from the run's
 * seed and the batch number, so a resumed run draws the masks an uninterrupted one would.
 */
function regularisationFor(
  settings: TrainSettings,
  batchNumber: number,
): Regularisation & { readonly clipNorm: number } {
  return {
    dropout: settings.dropout,
    ...(settings.lockedDropout ? { lockedDropout: true } : {}),
    activationReg: settings.activationReg ?? 0,
    temporalReg: settings.temporalReg ?? 0,
    weightDrop: settings.weightDrop ?? 0,
    inputDrop: settings.inputDrop ?? 0,
    eventDecay: settings.eventDecay ?? 0,
    seed: settings.seed * 1_000_003 + batchNumber * 10_007,
    clipNorm: settings.clipNorm,
  };
}

/** tfjs reads Adam's learning rate on every update but keeps the field protected. */
function setLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

function copyInto(target: DrumNetwork, source: DrumNetwork): void {
  for (const [name, v] of source.variables) target.variables.get(name)?.assign(v);
}

async function checkpoint(
  dir: string,
  progress: TrainProgress,
  net: DrumNetwork,
  optimizer: tf.Optimizer,
  carried: RecurrentState | undefined,
  average: DrumNetwork | undefined,
): Promise<void> {
  const tensors: SavedTensor[] = [];
  for (const [name, v] of net.variables)
    tensors.push({ name, shape: v.shape, values: (await v.data()) as Float32Array });
  for (const [name, v] of average?.variables ?? [])
    tensors.push({ name: `${AVERAGE_PREFIX}${name}`, shape: v.shape, values: (await v.data()) as Float32Array });
  for (const [i, t] of (carried ?? []).entries())
    tensors.push({ name: `${CARRY_PREFIX}${i}`, shape: t.shape, values: (await t.data()) as Float32Array });
  for (const w of await optimizer.getWeights()) {
    tensors.push({ name: `adam:${w.name}`, shape: w.tensor.shape, values: Float32Array.from(await w.tensor.data()) });
  }
  await saveTrainState(dir, progress, tensors);
}

async function writeCurves(
  outDir: string,
  progress: TrainProgress,
  baselines: readonly { name: string; nll: number }[],
): Promise<void> {
  await writeFile(join(outDir, 'loss.svg'), lossCurveSvg(progress.history, baselines));
  await writeFile(join(outDir, 'history.json'), JSON.stringify(progress.history, null, 1));
}
