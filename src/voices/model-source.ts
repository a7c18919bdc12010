import { readCheckpoint } from '../model/checkpoint/reader.js';
import { randomCheckpoint } from '../model/checkpoint/random-checkpoint.js';
import { memorySource } from '../model/checkpoint/source.js';
import { serializeCheckpoint } from '../model/checkpoint/writer.js';
import { MusicRnn, loadMusicRnn, type LoadOptions } from '../model/music-rnn.js';

/** Where a voice's model comes from; plain data so it can be posted to a worker. */
export type ModelSource =
  { readonly kind: 'dir'; readonly dir: string } | { readonly kind: 'placeholder'; readonly seed: number };

/** Loads a model. The placeholder is a small drum model with seeded random weights. */
export async function openModel(source: ModelSource, options: LoadOptions = {}): Promise<MusicRnn> {
  if (source.kind === 'dir') return loadMusicRnn(source.dir, options);
  const files = serializeCheckpoint(
    randomCheckpoint({ layerUnits: [128, 128], kind: 'drums', seed: source.seed, gain: 1 }),
  );
  return new MusicRnn(await readCheckpoint(memorySource(files, 'placeholder')), options);
}
