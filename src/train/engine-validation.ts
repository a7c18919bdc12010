import { readCheckpoint } from '../model/checkpoint/reader.js';
import { memorySource } from '../model/checkpoint/source.js';
import { serializeCheckpoint } from '../model/checkpoint/writer.js';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { MusicRnn } from '../model/music-rnn.js';
import type { EvalFigures } from '../eval/step-predictor.js';
import { scoreCalibrated } from './calibration.js';
import { drumModelConfig, networkWeights } from './model-export.js';
import type { DrumNetwork } from './network.js';

/** Validation figures, plus the NLL the network would score once calibrated (calibration.ts). */
export interface ValidationFigures extends EvalFigures {
  readonly calibratedNll: number;
  readonly temperature: number;
}

/**
 * Validates the network as the box will run it: the weights go through the checkpoint writer
 * and reader in memory and are scored by the engine's float32 kernels. Besides checking the
 * export on every validation, this is ~20x faster than stepping tfjs through long files.
 * Training selects on the calibrated NLL because the export is calibrated at the end: raw NLL
 * would punish a network for overconfidence that one scalar removes, and would compare a
 * fine-tune's raw weights against the calibrated model it started from.
 */
export async function validateWithEngine(
  net: DrumNetwork,
  pitchMap: DrumPitchMapName,
  windows: readonly Uint16Array[],
): Promise<ValidationFigures> {
  const files = serializeCheckpoint({
    config: drumModelConfig(pitchMap, net.shape.attentionLength),
    tensors: await networkWeights(net),
  });
  const model = new MusicRnn(await readCheckpoint(memorySource(files, 'training')), { engine: 'float32' });
  return { name: 'model', ...scoreCalibrated(model, windows) };
}
