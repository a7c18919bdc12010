import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalFigures } from '../eval/step-predictor.js';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { FLOAT_SUBDIR } from './model-export.js';
import { DrumNetwork } from './network.js';
import { evaluateNetwork } from './network-eval.js';
import { readCheckpointWeights } from './read-checkpoint-weights.js';
import type { TrainProgress } from './train-state.js';

/**
 * Scores the exported models as they were written (float and quantised, read back from disk)
 * against the baselines and writes eval.json beside them.
 */
export async function finalReport(
  out: string,
  _best: DrumNetwork,
  validation: readonly Uint16Array[],
  baselines: readonly EvalFigures[],
  progress: TrainProgress,
  pitchMap: DrumPitchMapName,
  write: (s: string) => void,
): Promise<EvalFigures[]> {
  const rows: EvalFigures[] = [];
  for (const [name, dir] of [['model float32', join(out, FLOAT_SUBDIR)], ['model uint8', out]] as const) {
    const { weights } = await readCheckpointWeights(dir);
    const layers: number[] = [];
    for (let l = 0; weights.has(`rnn/multi_rnn_cell/cell_${l}/basic_lstm_cell/kernel`); l++) {
      layers.push((weights.get(`rnn/multi_rnn_cell/cell_${l}/basic_lstm_cell/kernel`)?.shape[1] ?? 0) / 4);
    }
    const net = new DrumNetwork({ layers, eventCount: 512, counterBits: 6 }, weights);
    rows.push(evaluateNetwork(net, validation, name));
    net.dispose();
    for (const t of weights.values()) t.dispose();
  }
  rows.push(...baselines);
  write(`\nvalidation (${rows[0]?.steps ?? 0} steps)          NLL nats/step   exact-event\n`);
  for (const r of rows) write(`${r.name.padEnd(40)} ${r.nllPerStep.toFixed(4).padStart(8)}   ${(100 * r.exactAccuracy).toFixed(1).padStart(6)}%\n`);
  await writeFile(join(out, 'eval.json'), JSON.stringify({ pitchMap, trainedSeconds: progress.seconds, batches: progress.batches, settings: progress.settings, validation: rows }, null, 1));
  return rows;
}
