import { join } from 'node:path';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { DRUM_PITCH_MAPS } from '../model/encoding/drum-pitch-maps.js';
import { writeCheckpoint, type TensorToWrite } from '../model/checkpoint/writer.js';
import type { WeightDtype } from '../model/checkpoint/quantize-weights.js';
import type { DrumNetwork } from './network.js';

/**
 * The magenta-js config of a drum model. The pitch map travels as the converter's
 * `pitchClasses` argument, so @magenta/music decodes with the same map we trained with.
 */
export function drumModelConfig(pitchMap: DrumPitchMapName, attentionLength?: number): Record<string, unknown> {
  return {
    type: 'MusicRNN',
    ...(attentionLength !== undefined ? { attentionLength } : {}),
    dataConverter: { type: 'DrumsOneHotConverter', args: { pitchClasses: DRUM_PITCH_MAPS[pitchMap] } },
    auxInputs: [{ type: 'BinaryCounter', args: { numBits: 6 } }],
    pitchMap,
  };
}

/** The network's weights as the checkpoint stores them (DrumNetwork.exportedWeights). */
export async function networkWeights(net: DrumNetwork): Promise<TensorToWrite[]> {
  const weights = net.exportedWeights();
  try {
    const out: TensorToWrite[] = [];
    for (const [name, t] of weights) out.push({ name, shape: t.shape, values: (await t.data()) as Float32Array });
    return out;
  } finally {
    net.releaseExportedWeights(weights);
  }
}

/** Where a training run puts its models: the quantised one at the top, the float one beside it. */
export const FLOAT_SUBDIR = 'float';

/** Writes the model twice: `uint8`-quantised in `dir` (what the box loads) and float32 in `dir/float`. */
export async function exportDrumModel(
  dir: string,
  net: DrumNetwork,
  pitchMap: DrumPitchMapName,
  dtype: WeightDtype = 'uint8',
): Promise<void> {
  const tensors = await networkWeights(net);
  const config = drumModelConfig(pitchMap, net.shape.attentionLength);
  await writeCheckpoint(dir, { config, tensors }, { dtype });
  await writeCheckpoint(join(dir, FLOAT_SUBDIR), { config, tensors }, { dtype: 'float32' });
}
