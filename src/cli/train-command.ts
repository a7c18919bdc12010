import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDrumDataset } from '../data/drum-dataset.js';
import { splitOf } from '../data/dataset-split.js';
import { WHOLE_FILE_WINDOWS } from '../data/drum-windows.js';
import type { SkippedFile } from '../data/import-errors.js';
import {
  DRUM_PITCH_MAPS,
  drumPitchMap,
  identifyDrumPitchMap,
  type DrumPitchMapName,
} from '../model/encoding/drum-pitch-maps.js';
import type { ModelConfig } from '../model/checkpoint/config.js';
import { saveBaselines, trainBernoulliBaseline, trainUnigram } from '../eval/baselines.js';
import { evaluate } from '../eval/step-predictor.js';
import { selectTrainBackend, type TrainBackend } from '../train/backend.js';
import { exportDrumModel } from '../train/model-export.js';
import { readCheckpointWeights } from '../train/read-checkpoint-weights.js';
import { lstmKernelName } from '../train/network.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../train/train-settings.js';
import { trainDrumModel } from '../train/trainer.js';
import { validDropRate } from '../train/regularisation.js';
import { STREAM_CROP_MULTIPLE } from '../train/stream-sampler.js';
import { loadTrainState } from '../train/train-state.js';
import { learnGroove } from '../groove/learn-groove.js';
import { finalReport } from '../train/final-report.js';
import { calibrateExportedModel } from '../train/calibration.js';
import { errorMessage } from '../util/error-message.js';
import { augmentationActive, augmentSettingsError, ghostShare, type AugmentSettings } from '../train/augmentation.js';

export const TRAIN_USAGE = `usage: antiphon train --midi DIR --out DIR [options]
  --from MODEL        fine-tune this model folder (ours or a Magenta drum checkpoint)
  --resume            continue the interrupted run in --out (or one that used up its --epochs, given more)
  --restart-lr R      when --resume reopens a run that used up its epochs, go on at rate R (a warm restart)
  --layers N --units U  network size (default 2 x 256; with --from, taken from the model)
  --epochs E --batch B --lr R --crop STEPS --dropout P --seed S
  --locked-dropout    one --dropout mask per layer and batch, shared by its steps (variational)
  --ar A --tar B      AR and TAR penalties on the top layer's outputs and their change per step (default 0: off)
  --weight-drop P     DropConnect on the recurrent kernel, one mask per batch (default 0: off)
  --input-drop P      drop whole input events per step and lane (default 0: off)
  --factored          each event's input row and output column = its drums' parts + its own part
  --event-decay L     with --factored, L2 weight on each event's own part (default 0)
  --average D         validate and export a moving average of the weights, decay D per update (default 0: off)
  --max-minutes M     stop (resumably) after M minutes of training in this process
  --finish            end a resumable run now: keep its best model and write the report
  --checkpoint-minutes M  resumable checkpoint at least this often (default 5)
  --map current|classic  pitch-to-class map (default current)
  --backend tensorflow|wasm|cpu
  --attention         magenta-js attention wrapper (window 32) around a 3-layer stack, as drum_kit_rnn
  --stream            walk whole files, state carried from crop to crop (--crop a multiple of 64)
  augmentation of the training crops (validation never; default 0: off; not with --stream):
  --ghost-drop P      drop each hit softer than --ghost-velocity (default 40) with probability P
  --hat-ride-swap P   per crop, closed hi-hat and ride trade places with probability P
  --tom-swap P        per crop, the three toms are permuted with probability P (kick and snare never move)
  --grid-jitter S     up to S (0..0.5) steps of noise on each hit's real onset before it is rounded to the 16th`;

/** `antiphon train`: argv (after the subcommand) in, exit code out. */
export async function trainCommand(
  argv: readonly string[],
  write: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        midi: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        resume: { type: 'boolean' },
        'restart-lr': { type: 'string' },
        layers: { type: 'string' },
        units: { type: 'string' },
        epochs: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        crop: { type: 'string' },
        dropout: { type: 'string' },
        'locked-dropout': { type: 'boolean' },
        ar: { type: 'string' },
        tar: { type: 'string' },
        seed: { type: 'string' },
        'weight-drop': { type: 'string' },
        'input-drop': { type: 'string' },
        factored: { type: 'boolean' },
        'event-decay': { type: 'string' },
        average: { type: 'string' },
        'max-minutes': { type: 'string' },
        'checkpoint-minutes': { type: 'string' },
        map: { type: 'string' },
        backend: { type: 'string' },
        attention: { type: 'boolean' },
        stream: { type: 'boolean' },
        help: { type: 'boolean' },
        finish: { type: 'boolean' },
        'ghost-drop': { type: 'string' },
        'ghost-velocity': { type: 'string' },
        'hat-ride-swap': { type: 'string' },
        'tom-swap': { type: 'string' },
        'grid-jitter': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    write(`${errorMessage(err)}\n${TRAIN_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  const midi = values.midi;
  const out = values.out;
  if (typeof midi !== 'string' || typeof out !== 'string') {
    write(`--midi and --out are required\n${TRAIN_USAGE}\n`);
    return 2;
  }
  const num = (key: string, fallback: number): number => {
    const v = values[key];
    if (typeof v !== 'string') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${key} must be a non-negative number, got ${v}`);
    return n;
  };
  const rate = (key: string, fallback: number): number => {
    const r = num(key, fallback);
    if (!validDropRate(r)) throw new UsageError(`--${key} must be at least 0 and below 1, got ${String(values[key])}`);
    return r;
  };
  try {
    if (values.finish && !(await hasTrainState(out)))
      throw new UsageError(`--finish: no interrupted run in ${out} to finish`);
    const backend = await selectTrainBackend(values.backend as TrainBackend | undefined);
    write(`tfjs backend: ${backend}\n`);
    const source = typeof values.from === 'string' ? await readCheckpointWeights(values.from) : undefined;
    const initial = source?.weights;
    // A model keeps the pitch map and attention it was trained with; --map applies to new models.
    const pitchMap = source ? mapOfModel(source.config) : ((values.map ?? 'current') as DrumPitchMapName);
    if (pitchMap !== 'current' && pitchMap !== 'classic')
      throw new UsageError(`--map must be current or classic, got ${String(values.map)}`);
    const attentionLength = source
      ? source.config.attentionLength
      : values.attention
        ? MAGENTA_ATTENTION_LENGTH
        : undefined;
    const layersFromModel = initial ? layersOf(initial, attentionLength !== undefined) : undefined;
    const units = num('units', DEFAULT_TRAIN_SETTINGS.layers[0] ?? 256);
    const layerCount = num('layers', DEFAULT_TRAIN_SETTINGS.layers.length);
    const settings: TrainSettings = {
      ...DEFAULT_TRAIN_SETTINGS,
      layers: layersFromModel ?? Array<number>(layerCount).fill(units),
      ...(attentionLength !== undefined ? { attentionLength } : {}),
      // --finish: a budget of zero epochs ends the loop at once and goes to the report.
      epochs: values.finish ? 0 : num('epochs', DEFAULT_TRAIN_SETTINGS.epochs),
      batch: num('batch', DEFAULT_TRAIN_SETTINGS.batch),
      learningRate: num('lr', initial ? DEFAULT_TRAIN_SETTINGS.learningRate / 4 : DEFAULT_TRAIN_SETTINGS.learningRate),
      cropSteps: num('crop', DEFAULT_TRAIN_SETTINGS.cropSteps),
      dropout: rate('dropout', DEFAULT_TRAIN_SETTINGS.dropout),
      ...(values['locked-dropout'] === true ? { lockedDropout: true } : {}),
      ...(values.ar !== undefined ? { activationReg: num('ar', 0) } : {}),
      ...(values.tar !== undefined ? { temporalReg: num('tar', 0) } : {}),
      weightDrop: rate('weight-drop', DEFAULT_TRAIN_SETTINGS.weightDrop ?? 0),
      inputDrop: rate('input-drop', DEFAULT_TRAIN_SETTINGS.inputDrop ?? 0),
      seed: num('seed', DEFAULT_TRAIN_SETTINGS.seed),
      checkpointMinutes: num('checkpoint-minutes', DEFAULT_TRAIN_SETTINGS.checkpointMinutes),
      pitchMap,
      ...(values.stream === true ? { streaming: true } : {}),
      ...(values.factored === true ? { factoredEvents: true, eventDecay: num('event-decay', 0) } : {}),
      ...(values.average !== undefined ? { averageDecay: rate('average', 0) } : {}),
      ...augmentOptions(values, num),
    };
    const augmentProblem = settings.augment ? augmentSettingsError(settings.augment) : undefined;
    if (augmentProblem !== undefined) throw new UsageError(augmentProblem);
    if (settings.streaming && augmentationActive(settings.augment))
      throw new UsageError('--stream does not combine with augmentation (--ghost-drop, --hat-ride-swap, ...)');
    const restartLearningRate = values['restart-lr'] !== undefined ? num('restart-lr', 0) : undefined;
    if (restartLearningRate !== undefined && !(restartLearningRate > 0))
      throw new UsageError(`--restart-lr must be above 0, got ${String(values['restart-lr'])}`);
    if (values['event-decay'] !== undefined && !settings.factoredEvents)
      throw new UsageError('--event-decay needs --factored');
    if (attentionLength !== undefined) {
      for (const option of ['factored', 'locked-dropout', 'ar', 'tar'])
        if (values[option] !== undefined) throw new UsageError(`--${option} does not combine with --attention`);
    }
    if (settings.streaming && settings.cropSteps % STREAM_CROP_MULTIPLE !== 0) {
      throw new UsageError(
        `--stream needs --crop to be a multiple of ${STREAM_CROP_MULTIPLE} (the binary counter's period), got ${settings.cropSteps}`,
      );
    }
    if (attentionLength !== undefined && settings.layers.length !== 3) {
      throw new UsageError('--attention needs --layers 3: magenta-js loads attention models with exactly three layers');
    }
    const map = drumPitchMap(pitchMap);
    const split = await splitOf(midi);
    // Streaming trains on whole files, as they are scored; otherwise on Magenta's windows.
    const train = await loadDrumDataset(midi, {
      map,
      ...(settings.streaming ? WHOLE_FILE_WINDOWS : {}),
      include: (f) => split(f) === 'train',
    });
    const validation = await loadDrumDataset(midi, {
      map,
      ...WHOLE_FILE_WINDOWS,
      include: (f) => split(f) === 'validation',
    });
    await mkdir(out, { recursive: true });
    await reportSkipped(out, [...train.skipped, ...validation.skipped], write);
    const trainEvents = train.windows.map((w) => w.events);
    let valEvents = validation.windows.map((w) => w.events);
    const realValidation = valEvents.length > 0;
    if (!realValidation) {
      write(
        'no validation files in this folder: validating on the training windows (the figures will flatter the model)\n',
      );
      valEvents = trainEvents;
    }
    const steps = (ws: readonly Uint16Array[]): number => ws.reduce((s, w) => s + w.length, 0);
    write(
      `train: ${train.filesRead} files, ${trainEvents.length} windows, ${steps(trainEvents)} steps; validation: ${validation.filesRead} files, ${steps(valEvents)} steps\n`,
    );
    const baselines = [
      evaluate(trainUnigram(trainEvents), valEvents),
      evaluate(trainBernoulliBaseline(trainEvents), valEvents),
    ];
    await writeFile(join(out, 'baselines.json'), JSON.stringify(saveBaselines(trainEvents)));
    for (const b of baselines)
      write(`baseline ${b.name}: ${b.nllPerStep.toFixed(4)} nats/step, exact ${(100 * b.exactAccuracy).toFixed(1)}%\n`);
    if (augmentationActive(settings.augment))
      write(
        `augmentation: ${JSON.stringify(settings.augment)}; ${(
          100 *
          ghostShare(
            train.windows.map((w) => ({ length: w.events.length, hits: w.hits })),
            settings.augment.ghostVelocity,
          )
        ).toFixed(1)}% of the training hits are ghost notes\n`,
      );
    const maxMinutes = num('max-minutes', Infinity);
    const started = performance.now();
    const result = await trainDrumModel({
      settings,
      train: trainEvents,
      trainHits: train.windows.map((w) => w.hits),
      validation: valEvents,
      outDir: out,
      resume: values.resume === true,
      ...(restartLearningRate !== undefined ? { restartLearningRate } : {}),
      ...(initial ? { initial } : {}),
      baselines: baselines.map((b) => ({ name: b.name.split(' ')[0] ?? b.name, nll: b.nllPerStep })),
      shouldStop: () => (performance.now() - started) / 60000 >= maxMinutes,
      write,
      onImproved: async (net) => {
        await exportDrumModel(out, net, pitchMap);
      },
    });
    const groove = learnGroove(train.windows);
    await writeFile(join(out, 'groove.json'), JSON.stringify(groove));
    if (!result.progress.finished) {
      write(`stopped after ${result.progress.batches} batches; run again with --resume to continue\n`);
      result.best.dispose();
      return 0;
    }
    // Fitting the temperature on training windows would make the model more confident, not less.
    const calibration = realValidation ? await calibrateExportedModel(out, valEvents) : undefined;
    if (calibration)
      write(
        `calibrated: temperature ${calibration.temperature.toFixed(3)} (validation ${calibration.nllBefore.toFixed(4)} -> ${calibration.nllAfter.toFixed(4)} nats/step)\n`,
      );
    else write('not calibrated: no validation files\n');
    await finalReport(out, valEvents, baselines, result.progress, pitchMap, write, calibration);
    result.best.dispose();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      write(`${err.message}\n${TRAIN_USAGE}\n`);
      return 2;
    }
    write(`train failed: ${errorMessage(err)}\n`);
    return 1;
  }
}

class UsageError extends Error {}

const AUGMENT_OPTIONS = [
  ['ghost-drop', 'ghostDrop'],
  ['ghost-velocity', 'ghostVelocity'],
  ['hat-ride-swap', 'hatRideSwap'],
  ['tom-swap', 'tomSwap'],
  ['grid-jitter', 'gridJitter'],
] as const;

/** The augmentation options given, as TrainSettings.augment (absent when none is). */
function augmentOptions(
  values: Record<string, string | boolean | undefined>,
  num: (key: string, fallback: number) => number,
): { augment?: AugmentSettings } {
  const augment: Record<string, number> = {};
  for (const [option, key] of AUGMENT_OPTIONS) if (values[option] !== undefined) augment[key] = num(option, 0);
  return Object.keys(augment).length > 0 ? { augment: augment as AugmentSettings } : {};
}

async function hasTrainState(out: string): Promise<boolean> {
  return (await loadTrainState(join(out, 'train-state'))) !== undefined;
}

/** magenta's drum_kit_rnn attends over the last 32 outputs. */
const MAGENTA_ATTENTION_LENGTH = 32;

function layersOf(weights: ReadonlyMap<string, { shape: number[] }>, attention: boolean): number[] {
  const layers: number[] = [];
  for (let l = 0; weights.has(lstmKernelName(l, attention)); l++)
    layers.push((weights.get(lstmKernelName(l, attention))?.shape[1] ?? 0) / 4);
  if (layers.length === 0) throw new UsageError(`--from: no ${lstmKernelName(0, attention)} in the model`);
  return layers;
}

function mapOfModel(config: ModelConfig): DrumPitchMapName {
  const dc = config.dataConverter;
  if (dc.type !== 'DrumsOneHotConverter') throw new UsageError('--from: not a drum model');
  const name = identifyDrumPitchMap(dc.args.pitchClasses ?? DRUM_PITCH_MAPS.classic);
  if (name === 'custom')
    throw new UsageError(
      '--from: the model uses a custom pitch map; only the classic and current maps can be fine-tuned',
    );
  return name;
}

async function reportSkipped(out: string, skipped: readonly SkippedFile[], write: (s: string) => void): Promise<void> {
  if (skipped.length === 0) return;
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  write(
    `skipped: ${[...byReason].map(([r, n]) => `${n} ${r}`).join(', ')} (each file and why: ${join(out, 'skipped.txt')})\n`,
  );
  await writeFile(
    join(out, 'skipped.txt'),
    skipped.map((s) => `${s.file}\t${s.reason}\t${s.detail}`).join('\n') + '\n',
  );
}
