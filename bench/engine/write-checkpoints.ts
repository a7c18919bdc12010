import { join } from 'node:path';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { writeCheckpoint } from '../../src/model/checkpoint/writer.js';
import type { ModelSize } from './common.js';

/** Seeded random weights in magenta-js's layout: published models cannot be fetched here. */
export async function writeBenchCheckpoint(root: string, size: ModelSize, index: number): Promise<string> {
  const dir = join(root, `model-${index}`);
  await writeCheckpoint(
    dir,
    randomCheckpoint({
      layerUnits: size.layerUnits,
      ...(size.attentionLength ? { attentionLength: size.attentionLength } : {}),
      seed: 100 + index,
    }),
  );
  return dir;
}
