import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamLane } from './stream-sampler.js';

/** One validation point of the loss curves. */
export interface HistoryPoint {
  readonly batches: number;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  /** Validation NLL after calibration (what selection uses), and the temperature that gave it. */
  readonly valCalibrated?: number;
  readonly temperature?: number;
  readonly valAccuracy: number;
  readonly seconds: number;
  readonly lr: number;
}

/** Everything a run needs to continue where it stopped. */
export interface TrainProgress {
  readonly settings: unknown;
  batches: number;
  seconds: number;
  rngState: number;
  lr: number;
  bestValLoss: number;
  bestAtBatches: number;
  sinceBest: number;
  history: HistoryPoint[];
  finished: boolean;
  /** Streaming runs: where each batch lane is (its carried state is saved as `carry:N` tensors). */
  streams?: StreamLane[];
}

export interface SavedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly values: Float32Array;
}

interface StateFile {
  progress: TrainProgress;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

/**
 * Writes the resumable state (weights, optimizer slots, progress) to `dir` atomically: into a
 * fresh folder that replaces the old one by rename, so a kill mid-write leaves the last good one.
 */
export async function saveTrainState(
  dir: string,
  progress: TrainProgress,
  tensors: readonly SavedTensor[],
): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  let offset = 0;
  const index = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += t.values.length;
    return entry;
  });
  const all = new Float32Array(offset);
  tensors.forEach((t, i) => all.set(t.values, index[i]?.offset ?? 0));
  await writeFile(join(tmp, 'tensors.bin'), new Uint8Array(all.buffer));
  const file: StateFile = { progress, tensors: index };
  await writeFile(join(tmp, 'state.json'), JSON.stringify(file));
  await rm(`${dir}.old`, { recursive: true, force: true });
  await rename(dir, `${dir}.old`).catch(() => undefined);
  await rename(tmp, dir);
  await rm(`${dir}.old`, { recursive: true, force: true });
}

export async function loadTrainState(
  dir: string,
): Promise<{ progress: TrainProgress; tensors: SavedTensor[] } | undefined> {
  // A kill between the two renames leaves only `.old`: it is the last good state.
  for (const candidate of [dir, `${dir}.old`]) {
    try {
      const file = JSON.parse(await readFile(join(candidate, 'state.json'), 'utf8')) as StateFile;
      // JSON has no Infinity: "no validation yet" is stored as null.
      if (typeof file.progress.bestValLoss !== 'number') file.progress.bestValLoss = Infinity;
      const bin = await readFile(join(candidate, 'tensors.bin'));
      const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      const tensors = file.tensors.map((t) => ({
        name: t.name,
        shape: t.shape,
        values: all.slice(t.offset, t.offset + t.length),
      }));
      return { progress: file.progress, tensors };
    } catch {
      continue;
    }
  }
  return undefined;
}
