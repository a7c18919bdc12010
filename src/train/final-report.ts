import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enginePredictor } from '../eval/engine-predictor.js';
import { evaluate, type EvalFigures } from '../eval/step-predictor.js';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { loadMusicRnn } from '../model/music-rnn.js';
import { FLOAT_SUBDIR } from './model-export.js';
import type { TrainProgress } from './train-state.js';
import type { Calibration } from './calibration.js';

/**
 * Scores the exported models as written (read back from disk) with the on-device engine:
 * the float32 copy on the reference kernels and the quantised copy on the int8 kernels the
 * box runs, against the baselines. Writes eval.json beside them.
 */
export async function finalReport(
  out: string,
  validation: readonly Uint16Array[],
  baselines: readonly EvalFigures[],
  progress: TrainProgress,
  pitchMap: DrumPitchMapName,
  write: (s: string) => void,
  calibration?: Calibration,
): Promise<EvalFigures[]> {
  const float = await loadMusicRnn(join(out, FLOAT_SUBDIR), { engine: 'reference' });
  const int8 = await loadMusicRnn(out, { engine: 'int8' });
  const rows = [
    evaluate(enginePredictor(float, 'model float32'), validation),
    evaluate(enginePredictor(int8, 'model int8 (uint8 checkpoint, int8 engine)'), validation),
    ...baselines,
  ];
  write(formatTable(rows));
  await writeFile(
    join(out, 'eval.json'),
    JSON.stringify(
      {
        pitchMap,
        ...(calibration ? { calibration } : {}),
        trainedSeconds: progress.seconds,
        batches: progress.batches,
        bestAtBatches: progress.bestAtBatches,
        settings: progress.settings,
        validation: rows,
      },
      null,
      1,
    ),
  );
  return rows;
}

export function formatTable(rows: readonly EvalFigures[]): string {
  const lines = [`${'predictor'.padEnd(52)} NLL nats/step  exact-event`];
  for (const r of rows)
    lines.push(
      `${r.name.padEnd(52)} ${r.nllPerStep.toFixed(4).padStart(13)}  ${(100 * r.exactAccuracy).toFixed(1).padStart(10)}%`,
    );
  return `\n${rows[0]?.steps ?? 0} validation steps scored\n${lines.join('\n')}\n`;
}
