import type { Worker } from 'node:worker_threads';
import type { GenerationResult } from '../perform/generator-port.js';
import type { ModelSource } from './model-source.js';

/**
 * The worker's V8 heap limits. A young generation of 2 MB instead of V8's up to 3 x 16 MB:
 * inference allocates little and briefly, and bench:memory measured 7 MB less RSS per
 * isolate for it. The old generation cap is a guard against a runaway, far above what two
 * drum_kit_rnn-sized models with their carried states use (under 20 MB); a worker that
 * hits it dies and is restarted like any other that dies.
 */
export const GENERATOR_WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 96 } as const;

/** The generator worker died or could not load its model. */
export class GeneratorWorkerError extends Error {
  override readonly name = 'GeneratorWorkerError';
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`model '${model}' worker: ${message}`);
  }
}

/** What the worker says about a model once it is loaded. */
export interface LoadedModelInfo {
  readonly classPitches: readonly number[];
  readonly classOfPitch: readonly number[];
  readonly parameters: number;
  /**
   * Where the load's time went: the worker's own start (isolate and modules, reported with
   * the first model a worker loads, 0 for the others) and reading and checking the model
   * (its packing follows the load and is reported with the warm-up).
   */
  readonly timing: { readonly workerStartMs: number; readonly readMs: number };
}

/** A generation's result as it comes back, with the worker it ran in (carried states live there). */
export interface HostedResult extends Omit<GenerationResult, 'state'> {
  readonly worker: Worker;
  readonly stateHandle: number;
  readonly computeMs: number;
}

/** A model the host serves: loaded again in every new worker; `onWarm` hears its warm-up cost. */
export interface HostedModel {
  readonly name: string;
  readonly source: ModelSource;
  readonly onWarm: (msPerStep: number, packMs: number) => void;
}
