import type { Worker } from 'node:worker_threads';
import type {
  GenerationRequest,
  GenerationResult,
  GeneratorState,
  ResponseGenerator,
} from '../perform/generator-port.js';
import type { ModelSource } from './model-source.js';
import type { IsolateMemory, WorkerGenerationRequest } from './generator-worker-protocol.js';
import { GeneratorWorkerHost } from './generator-worker-host.js';
import type { LoadedModelInfo } from './generator-worker-types.js';
import type { Timers } from '../clock/timers.js';
import {
  superviseGeneratorWorker,
  type GeneratorWorkerSupervisor,
  type GeneratorWorkerSupervisorOptions,
  type SupervisorLog,
} from './generator-worker-supervisor.js';

export { GeneratorWorkerError } from './generator-worker-types.js';

interface HandleState extends GeneratorState {
  readonly worker: Worker;
  readonly handle: number;
}

let shared: GeneratorWorkerHost | undefined;

/** The box's one generator worker, started with its first model. */
function sharedHost(): GeneratorWorkerHost {
  if (!shared || shared.closed) shared = new GeneratorWorkerHost();
  return shared;
}

/**
 * Starts the box's generator worker now, before its first model is asked for: its isolate
 * and the model code then load while the main thread is still loading its own modules and
 * reading the config, off the path to READY. Idempotent.
 */
export function prestartGeneratorWorker(): void {
  sharedHost();
}

/** Heap figures of the shared generator worker, or undefined when no model is loaded. */
export async function generatorWorkerMemory(): Promise<IsolateMemory | undefined> {
  return shared && !shared.closed ? shared.memory() : undefined;
}

/** What the watch needs of the box (a `SurfaceContext` has it). */
export interface WorkerWatchContext {
  readonly timers: Timers;
  readonly log: SupervisorLog;
  report?(level: 'warning' | 'error', code: 'model', message: string): void;
}

/** The box's model-worker watch: a health probe for the systemd watchdog, run as a box surface. */
export interface GeneratorWorkerWatchSurface {
  readonly name: 'model-worker';
  /** Why the worker is beyond restarting, or undefined (see `superviseGeneratorWorker`). */
  failure(): string | undefined;
  /** Add to the box's surfaces: it starts behind READY, on the box's timers, reporting on the bus. */
  readonly surface: {
    readonly name: string;
    start(ctx: WorkerWatchContext): void;
    stop(): void;
  };
}

/** Supervises the box's shared generator worker (restarting it when it hangs) once `surface` starts. */
export function watchGeneratorWorker(
  options: Pick<GeneratorWorkerSupervisorOptions, 'limits' | 'checkEveryMs' | 'stopLimitMs'> = {},
): GeneratorWorkerWatchSurface {
  let supervisor: GeneratorWorkerSupervisor | undefined;
  return {
    name: 'model-worker',
    failure: () => supervisor?.failure(),
    surface: {
      name: 'model-worker-watch',
      start: (ctx) => {
        supervisor?.stop();
        supervisor = superviseGeneratorWorker({
          ...options,
          host: () => shared,
          timers: ctx.timers,
          log: ctx.log,
          report: (level, message) => ctx.report?.(level, 'model', message),
        });
      },
      stop: () => supervisor?.stop(),
    },
  };
}

/**
 * A model voice run in the generator worker thread: the main thread (clock, scheduler,
 * MIDI) never waits for inference. Every model of the box shares that one worker.
 */
export class WorkerGenerator implements ResponseGenerator {
  #disposed = false;
  /** Inference time inside the worker for the last generation (without message passing). */
  lastComputeMs = 0;
  /** Warm generation cost per step, measured in the worker just after the model loads (undefined until then). */
  warmMsPerStep: number | undefined;

  private constructor(
    readonly name: string,
    private readonly host: GeneratorWorkerHost,
    private readonly model: number,
    readonly classPitches: readonly number[],
    private readonly classOfPitch: readonly number[],
    /** Where the load's time went, as the worker measured it (ms). */
    readonly loadTiming: LoadedModelInfo['timing'],
  ) {}

  /**
   * Loads `source` into the shared worker (or `host`). Resolves once the model can answer:
   * its warm-up runs after that and reports through `onWarm`.
   */
  static async start(
    name: string,
    source: ModelSource,
    onWarm?: (msPerStep: number, packMs: number) => void,
    host: GeneratorWorkerHost = sharedHost(),
  ): Promise<WorkerGenerator> {
    // The warm-up may report before or after this resolves.
    const made: { generator?: WorkerGenerator; warm?: number } = {};
    const { model, info } = await host.load(name, source, (msPerStep, packMs) => {
      made.warm = msPerStep;
      if (made.generator) made.generator.warmMsPerStep = msPerStep;
      onWarm?.(msPerStep, packMs);
    });
    const generator = new WorkerGenerator(name, host, model, info.classPitches, info.classOfPitch, info.timing);
    generator.warmMsPerStep = made.warm;
    made.generator = generator;
    return generator;
  }

  classOf(pitch: number): number {
    return this.classOfPitch[pitch] ?? -1;
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const carried = request.state as HandleState | undefined;
    const stateHandle = carried && carried.worker === this.host.worker ? carried.handle : undefined;
    const r = await this.host.generate(this.model, {
      ...samplingOf(request),
      primer: request.primer,
      steps: request.steps,
      seed: request.seed,
      ...(stateHandle === undefined ? {} : { stateHandle }),
    });
    this.lastComputeMs = r.computeMs;
    const state: HandleState = { kind: 'generator-state', worker: r.worker, handle: r.stateHandle };
    return { events: r.events, logLikelihood: r.logLikelihood, primerLogLikelihood: r.primerLogLikelihood, state };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.host.unload(this.model);
  }
}

/** The sampling fields a request sets, and only those (a worker message is structured-cloned). */
function samplingOf(r: GenerationRequest): Omit<WorkerGenerationRequest, 'primer' | 'steps' | 'seed' | 'stateHandle'> {
  const { temperature, beamSize, topK, topP, profileWeight, profileFloor, densityWeight } = r;
  return {
    temperature,
    beamSize,
    ...(topK === undefined ? {} : { topK }),
    ...(topP === undefined ? {} : { topP }),
    ...(profileWeight === undefined ? {} : { profileWeight }),
    ...(profileFloor === undefined ? {} : { profileFloor }),
    ...(densityWeight === undefined ? {} : { densityWeight }),
  };
}
