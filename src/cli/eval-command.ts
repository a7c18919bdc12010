import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDrumDataset } from '../data/drum-dataset.js';
import { splitOf } from '../data/dataset-split.js';
import { WHOLE_FILE_WINDOWS } from '../data/drum-windows.js';
import { loadBaselines } from '../eval/baselines.js';
import { evaluate, type EvalFigures } from '../eval/step-predictor.js';
import { enginePredictor } from '../eval/engine-predictor.js';
import { loadMusicRnn, type EngineKind } from '../model/music-rnn.js';
import { formatTable } from '../train/final-report.js';
import { runAnswerEval, type AnswerEvalOptions } from '../eval/answer-eval.js';
import { parseSetting, SETTING_HELP } from '../eval/answer-settings.js';
import { errorMessage } from '../util/error-message.js';

const EVAL_OPTIONS = {
  split: { type: 'string' },
  engine: { type: 'string' },
  help: { type: 'boolean' },
  answers: { type: 'boolean' },
  setting: { type: 'string', multiple: true },
  seed: { type: 'string' },
  draws: { type: 'string' },
  limit: { type: 'string' },
  examples: { type: 'string' },
} as const;

interface EvalFlags {
  split?: string;
  engine?: string;
  help?: boolean;
  answers?: boolean;
  setting?: string[];
  seed?: string;
  draws?: string;
  limit?: string;
  examples?: string;
}

function integerFlag(flags: EvalFlags, name: 'seed' | 'draws' | 'limit' | 'examples', min: number): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} takes an integer >= ${min}, got ${raw}`);
  return n;
}

/** The --answers flags, checked; an error names the flag. */
function answerOptions(flags: EvalFlags, engine: EngineKind, hasSplit: boolean): AnswerEvalOptions {
  const split = (flags.split ?? (hasSplit ? 'validation' : 'all')) as AnswerEvalOptions['split'];
  return {
    engine,
    split,
    settings: (flags.setting ?? ['default']).map(parseSetting),
    seed: integerFlag(flags, 'seed', 0) ?? 1,
    draws: integerFlag(flags, 'draws', 1) ?? 1,
    limit: integerFlag(flags, 'limit', 1),
    examples: integerFlag(flags, 'examples', 0) ?? 0,
  };
}

export const EVAL_USAGE = `usage: antiphon eval MODEL DIR [--split validation|train|all] [--engine int8|float32|reference]
       antiphon eval MODEL DIR --answers [--setting SETTING]... [--seed N] [--draws N] [--limit N] [--examples N] [--split ...] [--engine ...]
  Prints NLL per step (nats) and exact-event accuracy on the MIDI files in DIR for the model
  and for the baselines saved with it (fit on its training data). DIR with a Groove MIDI
  Dataset info.csv is evaluated on its validation split unless --split says otherwise.
  The model runs on the on-device engine (int8 kernels unless --engine says otherwise).
  --answers judges answers instead: bars 1-2 of each 4/4 beat (GMD: beats, not fills) are the
  call, answered with 2 bars by the box's offline path, and compared with the drummer's bars
  3-4 and with "repeat bar 2" and "copy the call": hit F1 on the 16th grid, density within
  30% of the call, copying, kick/snare kept on the beats, per drum. Each SETTING is a column.
  ${SETTING_HELP}
  --seed N (default 1) fixes every answer; --draws N answers each call N times (default 1);
  --limit N takes a seeded subset of N calls; --examples N prints N exchanges as drum grids.`;

/** `antiphon eval`: argv (after the subcommand) in, exit code out. Results go to `out`. */
export async function evalCommand(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let parsed: { values: EvalFlags; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: EVAL_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    err(`${errorMessage(e)}\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out(`${EVAL_USAGE}\n`);
    return 0;
  }
  const [modelDir, dataDir] = parsed.positionals;
  if (modelDir === undefined || dataDir === undefined || parsed.positionals.length > 2) {
    err(`${EVAL_USAGE}\n`);
    return 2;
  }
  const splitArg = parsed.values.split;
  if (splitArg !== undefined && !['validation', 'train', 'all'].includes(splitArg)) {
    err(`--split must be validation, train or all, got ${splitArg}\n`);
    return 2;
  }
  const engine = (parsed.values.engine ?? 'int8') as EngineKind;
  if (!['int8', 'float32', 'reference'].includes(engine)) {
    err(`--engine must be int8, float32 or reference, got ${engine}\n`);
    return 2;
  }
  if (parsed.values.answers) {
    let options: AnswerEvalOptions;
    try {
      options = answerOptions(parsed.values, engine, await hasInfoCsv(dataDir));
    } catch (e) {
      err(`${errorMessage(e)}\n`);
      return 2;
    }
    return runAnswerEval(modelDir, dataDir, options, out, err).catch((e: unknown) => {
      err(`eval --answers failed: ${errorMessage(e)}\n`);
      return 1;
    });
  }
  const stray = (['setting', 'seed', 'draws', 'limit', 'examples'] as const).find(
    (k) => parsed.values[k] !== undefined,
  );
  if (stray) {
    err(`--${stray} only applies with --answers\n`);
    return 2;
  }
  try {
    const model = await loadMusicRnn(modelDir, { engine });
    if (model.drumMap === undefined) throw new Error(`${modelDir} is not a drum model`);
    const hasSplit = await hasInfoCsv(dataDir);
    const which = splitArg ?? (hasSplit ? 'validation' : 'all');
    const split = await splitOf(dataDir);
    const data = await loadDrumDataset(dataDir, {
      map: model.drumMap,
      ...WHOLE_FILE_WINDOWS,
      include: (f) => which === 'all' || split(f) === which,
    });
    for (const s of data.skipped) err(`skipped ${s.file}: ${s.reason}: ${s.detail}\n`);
    const windows = data.windows.map((w) => w.events);
    if (windows.length === 0) {
      err(`${dataDir}: no usable drum files (${data.filesRead} read)\n`);
      return 1;
    }
    const rows: EvalFigures[] = [evaluate(enginePredictor(model, `model (${engine} engine)`), windows)];
    const baselineFile = await readFile(join(modelDir, 'baselines.json'), 'utf8').catch(() => undefined);
    if (baselineFile === undefined) err(`${modelDir}: no baselines.json; baselines not shown\n`);
    else for (const b of loadBaselines(JSON.parse(baselineFile))) rows.push(evaluate(b, windows));
    out(`${data.windows.length} files (${which} split of ${dataDir})`);
    out(formatTable(rows));
    return 0;
  } catch (e) {
    err(`eval failed: ${errorMessage(e)}\n`);
    return 1;
  }
}

async function hasInfoCsv(dir: string): Promise<boolean> {
  return readFile(join(dir, 'info.csv')).then(
    () => true,
    () => false,
  );
}
