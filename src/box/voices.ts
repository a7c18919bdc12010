import type { ResponseGenerator } from '../perform/generator-port.js';
import type { ModelInfo } from '../perform/response-pipeline.js';
import type { LoadedVoiceModel } from '../voices/voice-models.js';
import { errorMessage } from '../util/error-message.js';

/**
 * Loads a model by name (a folder under models/ or a path). `placeholder` asks for the
 * seeded untrained stand-in, used when the named model cannot be loaded.
 */
export type ModelLoader = (name: string, seed: number, placeholder?: boolean) => Promise<LoadedVoiceModel>;

/** The box's loaded models: generators for the shell, infos for the engine. */
export interface LoadedVoices {
  readonly generators: ReadonlyMap<string, ResponseGenerator>;
  readonly infos: ReadonlyMap<string, ModelInfo>;
  /** True when any voice plays an untrained placeholder. */
  readonly placeholder: boolean;
  /** The slowest measured generation cost per step, for the engine's first decision. */
  readonly slowestMsPerStep: number;
  dispose(): void;
}

/**
 * Loads every named model. One that fails (a corrupt checkpoint, a missing folder) is
 * reported and replaced by the placeholder, so the box still boots and plays.
 */
export async function loadVoices(
  names: readonly string[],
  load: ModelLoader,
  seed: number,
  failed: (name: string, error: string) => void,
): Promise<LoadedVoices> {
  const generators = new Map<string, ResponseGenerator>();
  const infos = new Map<string, ModelInfo>();
  let placeholder = false;
  let slowest = 0;
  // All at once: the worker reads one checkpoint while the next is on its way.
  const all = await Promise.all(
    names.map(async (name): Promise<LoadedVoiceModel> => {
      try {
        return await load(name, seed);
      } catch (e) {
        failed(name, errorMessage(e));
        return load(name, seed, true);
      }
    }),
  );
  for (const [i, loaded] of all.entries()) {
    const name = names[i] ?? '';
    placeholder ||= loaded.placeholder;
    slowest = Math.max(slowest, loaded.msPerStep ?? 0);
    const g = loaded.generator;
    generators.set(name, g);
    infos.set(name, {
      name: g.name,
      classOf: (p) => g.classOf(p),
      classPitches: g.classPitches,
      ...(loaded.groove ? { groove: loaded.groove } : {}),
    });
  }
  return {
    generators,
    infos,
    placeholder,
    slowestMsPerStep: slowest,
    dispose: () => {
      for (const g of generators.values()) g.dispose();
    },
  };
}
