import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDrumDataset } from '../data/drum-dataset.js';
import { splitOf } from '../data/dataset-split.js';
import { WHOLE_FILE_WINDOWS } from '../data/drum-windows.js';
import { drumPitchMap, type DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { loadBaselines } from '../eval/baselines.js';
import { evaluate, type EvalFigures } from '../eval/step-predictor.js';
import { selectTrainBackend } from '../train/backend.js';
import { DrumNetwork, lstmKernelName } from '../train/network.js';
import { evaluateNetwork } from '../train/network-eval.js';
import { readCheckpointWeights } from '../train/read-checkpoint-weights.js';

export const EVAL_USAGE = `usage: antiphon eval MODEL DIR [--split validation|train|all]
  Prints NLL per step (nats) and exact-event accuracy on the MIDI files in DIR for the model
  and for the baselines saved with it (fit on its training data). DIR with a Groove MIDI
  Dataset info.csv is evaluated on its validation split unless --split says otherwise.`;

/** `antiphon eval`: argv (after the subcommand) in, exit code out. Results go to `out`. */
export async function evalCommand(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let parsed: { values: { split?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { split: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`${(e as Error).message}\n${EVAL_USAGE}\n`);
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
  try {
    await selectTrainBackend();
    const { config, weights } = await readCheckpointWeights(modelDir);
    const pitchMap = pitchMapOf(config);
    const layers: number[] = [];
    for (let l = 0; weights.has(lstmKernelName(l)); l++) layers.push((weights.get(lstmKernelName(l))?.shape[1] ?? 0) / 4);
    if (layers.length === 0) throw new Error(`${modelDir}: no ${lstmKernelName(0)} (attention models are not evaluated yet)`);
    const net = new DrumNetwork({ layers, eventCount: 512, counterBits: 6 }, weights);
    const hasSplit = await hasInfoCsv(dataDir);
    const which = splitArg ?? (hasSplit ? 'validation' : 'all');
    const split = await splitOf(dataDir);
    const data = await loadDrumDataset(dataDir, {
      map: drumPitchMap(pitchMap),
      ...WHOLE_FILE_WINDOWS,
      include: (f) => which === 'all' || split(f) === which,
    });
    for (const s of data.skipped) err(`skipped ${s.file}: ${s.reason}: ${s.detail}\n`);
    const windows = data.windows.map((w) => w.events);
    if (windows.length === 0) {
      err(`${dataDir}: no usable drum files (${data.filesRead} read)\n`);
      return 1;
    }
    const rows: EvalFigures[] = [evaluateNetwork(net, windows, `model (${modelDir})`)];
    net.dispose();
    const baselineFile = await readFile(join(modelDir, 'baselines.json'), 'utf8').catch(() => undefined);
    if (baselineFile === undefined) err(`${modelDir}: no baselines.json; baselines not shown\n`);
    else for (const b of loadBaselines(JSON.parse(baselineFile))) rows.push(evaluate(b, windows));
    out(`${data.windows.length} files (${which}), ${rows[0]?.steps ?? 0} steps scored\n`);
    out(`${'predictor'.padEnd(52)} NLL nats/step  exact-event\n`);
    for (const r of rows) out(`${r.name.padEnd(52)} ${r.nllPerStep.toFixed(4).padStart(13)}  ${(100 * r.exactAccuracy).toFixed(1).padStart(10)}%\n`);
    return 0;
  } catch (e) {
    err(`eval failed: ${(e as Error).message}\n`);
    return 1;
  }
}

async function hasInfoCsv(dir: string): Promise<boolean> {
  return readFile(join(dir, 'info.csv')).then(() => true, () => false);
}

function pitchMapOf(config: unknown): DrumPitchMapName {
  const c = config as { pitchMap?: unknown } | null;
  // Magenta's own drum models predate the config field and use the classic map.
  return c?.pitchMap === 'current' ? 'current' : 'classic';
}
