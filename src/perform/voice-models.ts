import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateGrooveTable } from '../groove/groove-table.js';
import { readCheckpoint } from '../model/checkpoint/reader.js';
import { randomCheckpoint } from '../model/checkpoint/random-checkpoint.js';
import { memorySource } from '../model/checkpoint/source.js';
import { serializeCheckpoint } from '../model/checkpoint/writer.js';
import { MusicRnn, loadMusicRnn } from '../model/music-rnn.js';
import type { Groove } from './groove.js';
import { learnedGroove } from './learned-groove.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';

/** The shipped models folder, found from this file so the box does not depend on its cwd. */
export const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface LoadedVoiceModel {
  readonly generator: MusicRnnGenerator;
  readonly groove: Groove | undefined;
  /** Where it came from, or 'untrained placeholder'. */
  readonly source: string;
  /** True when no trained model was found and seeded random weights stand in. */
  readonly placeholder: boolean;
}

export interface ModelLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

/** A model folder: `dir` itself, or under the shipped models folder by name. */
export function resolveModelDir(nameOrDir: string): string | undefined {
  for (const dir of [nameOrDir, join(SHIPPED_MODELS_DIR, nameOrDir)]) if (existsSync(join(dir, 'config.json'))) return dir;
  if (nameOrDir !== 'default') return undefined;
  // "default": the first shipped drum model.
  const shipped = existsSync(SHIPPED_MODELS_DIR) ? readdirSync(SHIPPED_MODELS_DIR).sort() : [];
  const first = shipped.find((n) => existsSync(join(SHIPPED_MODELS_DIR, n, 'config.json')));
  return first === undefined ? undefined : join(SHIPPED_MODELS_DIR, first);
}

/**
 * Loads a voice's model with its groove. No trained model found: a small model with seeded
 * random weights stands in, loudly labelled, so the box still boots and the pipeline runs.
 */
export async function loadVoiceModel(name: string, log: ModelLog, seed = 1): Promise<LoadedVoiceModel> {
  const dir = resolveModelDir(name);
  if (dir === undefined) {
    log.warn({ model: name, looked: [name, SHIPPED_MODELS_DIR] }, 'no trained model found: using an UNTRAINED placeholder (random weights)');
    const files = serializeCheckpoint(randomCheckpoint({ layerUnits: [128, 128], kind: 'drums', seed, gain: 1 }));
    const model = new MusicRnn(await readCheckpoint(memorySource(files, 'placeholder')));
    return { generator: new MusicRnnGenerator(`${name} (untrained placeholder)`, model), groove: undefined, source: 'untrained placeholder', placeholder: true };
  }
  const model = await loadMusicRnn(dir);
  let groove: Groove | undefined;
  const groovePath = join(dir, 'groove.json');
  if (existsSync(groovePath)) {
    try {
      groove = learnedGroove(validateGrooveTable(JSON.parse(readFileSync(groovePath, 'utf8'))), seed);
    } catch (e) {
      log.warn({ file: groovePath, error: (e as Error).message }, 'groove.json unusable; answering in the caller\'s feel');
    }
  }
  log.info({ model: name, dir, parameters: model.arch.parameterCount, groove: groove?.name ?? 'call-feel' }, 'model loaded');
  return { generator: new MusicRnnGenerator(name, model), groove, source: dir, placeholder: false };
}
