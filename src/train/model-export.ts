import { join } from 'node:path';
import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import { DRUM_PITCH_MAPS } from '../model/encoding/drum-pitch-maps.js';
import { writeMagentaCheckpoint, type NamedWeight, type WeightQuantization } from './export-checkpoint.js';
import type { DrumNetwork } from './network.js';

/**
 * The magenta-js config of a drum model. The pitch map travels as the converter's
 * `pitchClasses` argument, so @magenta/music decodes with the same map we trained with.
 */
export function drumModelConfig(pitchMap: DrumPitchMapName): Record<string, unknown> {
  return {
    type: 'MusicRNN',
    dataConverter: { type: 'DrumsOneHotConverter', args: { pitchClasses: DRUM_PITCH_MAPS[pitchMap] } },
    auxInputs: [{ type: 'BinaryCounter', args: { numBits: 6 } }],
    pitchMap,
  };
}

export async function networkWeights(net: DrumNetwork): Promise<NamedWeight[]> {
  const out: NamedWeight[] = [];
  for (const [name, v] of net.variables) out.push({ name, shape: v.shape, values: (await v.data()) as Float32Array });
  return out;
}

/** Where a training run puts its models: the quantised one at the top, the float one beside it. */
export const FLOAT_SUBDIR = 'float';

/** Writes the model twice: `uint8`-quantised in `dir` (what the box loads) and float32 in `dir/float`. */
export async function exportDrumModel(
  dir: string,
  net: DrumNetwork,
  pitchMap: DrumPitchMapName,
  quantization: WeightQuantization = 'uint8',
): Promise<{ quantizedBytes: number; floatBytes: number }> {
  const weights = await networkWeights(net);
  const config = drumModelConfig(pitchMap);
  const q = await writeMagentaCheckpoint(dir, config, weights, quantization);
  const f = await writeMagentaCheckpoint(join(dir, FLOAT_SUBDIR), config, weights, 'float32');
  return { quantizedBytes: q.bytes, floatBytes: f.bytes };
}
