import { readCheckpoint } from '../model/checkpoint/reader.js';
import { memorySource } from '../model/checkpoint/source.js';
import { serializeCheckpoint } from '../model/checkpoint/writer.js';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { MusicRnn } from '../model/music-rnn.js';
import { enginePredictor } from '../eval/engine-predictor.js';
import { evaluate, type EvalFigures } from '../eval/step-predictor.js';
import { drumModelConfig, networkWeights } from './model-export.js';
import type { DrumNetwork } from './network.js';

/**
 * Validates the network as the box will run it: the weights go through the checkpoint writer
 * and reader in memory and are scored by the engine's float32 kernels. Besides checking the
 * export on every validation, this is ~20x faster than stepping tfjs through long files.
 */
export async function validateWithEngine(net: DrumNetwork, pitchMap: DrumPitchMapName, windows: readonly Uint16Array[]): Promise<EvalFigures> {
  const files = serializeCheckpoint({ config: drumModelConfig(pitchMap, net.shape.attentionLength), tensors: await networkWeights(net) });
  const model = new MusicRnn(await readCheckpoint(memorySource(files, 'training')), { engine: 'float32' });
  return evaluate(enginePredictor(model, 'model'), windows);
}
