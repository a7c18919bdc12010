import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateGrooveTable } from '../groove/groove-table.js';
import type { ResponseGenerator } from '../perform/generator-port.js';
import type { Groove } from '../groove/groove.js';
import { learnedGroove } from '../groove/learned-groove.js';
import type { ModelSource } from './model-source.js';
import { WorkerGenerator } from './generator-worker-client.js';
import { errorMessage } from '../util/error-message.js';

/** The shipped models folder, found from this file so the box does not depend on its cwd. */
export const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface LoadedVoiceModel {
  readonly generator: ResponseGenerator;
  readonly groove: Groove | undefined;
  /** Where it came from, or 'untrained placeholder'. */
  readonly source: string;
  /** True when no trained model was found and seeded random weights stand in. */
  readonly placeholder: boolean;
  /**
   * Warm generation cost per step, when measured before the load resolved (inline models
   * never are; worker models measure it just after, off the start-up path, and log it).
   */
  readonly msPerStep: number | undefined;
}

export interface ModelLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

/** A model folder: `dir` itself, or under the shipped models folder by name. */
export function resolveModelDir(nameOrDir: string): string | undefined {
  for (const dir of [nameOrDir, join(SHIPPED_MODELS_DIR, nameOrDir)])
    if (existsSync(join(dir, 'config.json'))) return dir;
  if (nameOrDir !== 'default') return undefined;
  // "default": the first shipped drum model.
  const shipped = existsSync(SHIPPED_MODELS_DIR) ? readdirSync(SHIPPED_MODELS_DIR).sort() : [];
  const first = shipped.find((n) => existsSync(join(SHIPPED_MODELS_DIR, n, 'config.json')));
  return first === undefined ? undefined : join(SHIPPED_MODELS_DIR, first);
}

function readGroove(dir: string, seed: number, log: ModelLog): Groove | undefined {
  const path = join(dir, 'groove.json');
  if (!existsSync(path)) return undefined;
  try {
    return learnedGroove(validateGrooveTable(JSON.parse(readFileSync(path, 'utf8'))), seed);
  } catch (e) {
    log.warn({ file: path, error: errorMessage(e) }, "groove.json unusable; answering in the caller's feel");
    return undefined;
  }
}

/**
 * Loads a voice's model with its groove. `thread: 'worker'` (the box) runs inference in a
 * worker thread; 'inline' (offline respond, tests) runs it here. No trained model found: a
 * small model with seeded random weights stands in, loudly labelled, so the box still boots
 * (`forcePlaceholder`: the caller found the named model unusable).
 */
export async function loadVoiceModel(
  name: string,
  log: ModelLog,
  seed = 1,
  thread: 'worker' | 'inline' = 'inline',
  forcePlaceholder = false,
): Promise<LoadedVoiceModel> {
  const dir = forcePlaceholder ? undefined : resolveModelDir(name);
  const placeholder = dir === undefined;
  if (placeholder)
    log.warn(
      { model: name, looked: [name, SHIPPED_MODELS_DIR] },
      'no trained model found: using an UNTRAINED placeholder (random weights)',
    );
  const source: ModelSource = dir === undefined ? { kind: 'placeholder', seed } : { kind: 'dir', dir };
  const label = placeholder ? `${name} (untrained placeholder)` : name;
  const t0 = performance.now();
  const generator =
    thread === 'worker'
      ? await WorkerGenerator.start(label, source, (warmMsPerStep, packMs) =>
          log.info({ model: name, warmMsPerStep, packMs: round1(packMs) }, 'model warm'),
        )
      : await inlineGenerator(label, source);
  const groove = dir === undefined ? undefined : readGroove(dir, seed, log);
  const msPerStep = generator instanceof WorkerGenerator ? generator.warmMsPerStep : undefined;
  log.info(
    {
      model: name,
      source: dir ?? 'placeholder',
      thread,
      groove: groove?.name ?? 'call-feel',
      loadMs: round1(performance.now() - t0),
      ...(generator instanceof WorkerGenerator
        ? {
            inWorkerMs: {
              start: round1(generator.loadTiming.workerStartMs),
              read: round1(generator.loadTiming.readMs),
            },
          }
        : {}),
    },
    'model loaded',
  );
  return { generator, groove, source: dir ?? 'untrained placeholder', placeholder, msPerStep };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The model in this thread: loaded only when asked for, so the box's main isolate never holds the model code. */
async function inlineGenerator(label: string, source: ModelSource): Promise<ResponseGenerator> {
  const [{ MusicRnnGenerator }, { openModel }] = await Promise.all([
    import('./music-rnn-generator.js'),
    import('./model-source.js'),
  ]);
  return new MusicRnnGenerator(label, await openModel(source));
}
