import type { Worker } from 'node:worker_threads';
import { startWorker } from '../system/start-worker.js';
import type { GenerationRequest, GenerationResult, GeneratorState, ResponseGenerator } from '../perform/generator-port.js';
import type { ModelSource } from './model-source.js';
import type { WorkerReply, WorkerRequest } from './generator-worker-protocol.js';

interface HandleState extends GeneratorState {
  readonly worker: Worker;
  readonly handle: number;
}

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

/**
 * A model voice running in its own worker thread: the main thread (clock, scheduler, MIDI)
 * never waits for inference. A worker that dies fails the requests in flight (the engine
 * logs them and keeps playing) and is started again on the next request.
 */
export class WorkerGenerator implements ResponseGenerator {
  #worker: Worker;
  #nextId = 1;
  #disposed = false;
  readonly #pending = new Map<number, { resolve: (r: GenerationResult) => void; reject: (e: Error) => void }>();
  /** Inference time inside the worker for the last generation (without message passing). */
  lastComputeMs = 0;

  private constructor(
    readonly name: string,
    private readonly source: ModelSource,
    worker: Worker,
    readonly classPitches: readonly number[],
    private readonly classOfPitch: readonly number[],
    /** Warm generation cost per step (fed or generated), measured in the worker at start. */
    readonly warmMsPerStep: number,
  ) {
    this.#worker = worker;
    this.#listen(worker);
  }

  static async start(name: string, source: ModelSource): Promise<WorkerGenerator> {
    const worker = startWorker(import.meta.url, './generator-worker-thread', { workerData: { name, source } });
    const ready = await firstReply(worker, name);
    return new WorkerGenerator(name, source, worker, ready.classPitches, ready.classOfPitch, ready.msPerStep);
  }

  classOf(pitch: number): number {
    return this.classOfPitch[pitch] ?? -1;
  }

  generate(request: GenerationRequest): Promise<GenerationResult> {
    const id = this.#nextId++;
    const carried = request.state as HandleState | undefined;
    const stateHandle = carried && carried.worker === this.#worker ? carried.handle : undefined;
    const message: WorkerRequest = {
      type: 'generate', id,
      request: { ...samplingOf(request), primer: request.primer, steps: request.steps, seed: request.seed, ...(stateHandle === undefined ? {} : { stateHandle }) },
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(message);
    });
  }

  dispose(): void {
    this.#disposed = true;
    void this.#worker.terminate();
  }

  #listen(worker: Worker): void {
    worker.on('message', (m: WorkerReply) => {
      if (m.type !== 'result' && m.type !== 'failed') return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (!p) return;
      if (m.type === 'failed') return p.reject(new GeneratorWorkerError(this.name, m.message));
      this.lastComputeMs = m.computeMs;
      const state: HandleState = { kind: 'generator-state', worker, handle: m.stateHandle };
      p.resolve({ events: m.events, logLikelihood: m.logLikelihood, primerLogLikelihood: m.primerLogLikelihood, state });
    });
    worker.on('error', (e) => this.#fail(worker, e.message));
    worker.on('exit', (code) => this.#fail(worker, `exited with code ${code}`));
  }

  #fail(worker: Worker, why: string): void {
    if (worker !== this.#worker || this.#disposed) return;
    for (const p of this.#pending.values()) p.reject(new GeneratorWorkerError(this.name, why));
    this.#pending.clear();
    // Start again for the next request; its model load happens off the main thread too.
    this.#worker = startWorker(import.meta.url, './generator-worker-thread', { workerData: { name: this.name, source: this.source } });
    this.#listen(this.#worker);
  }
}

/** The sampling fields a request sets, and only those (a worker message is structured-cloned). */
function samplingOf(r: GenerationRequest): Omit<WorkerRequest['request'], 'primer' | 'steps' | 'seed' | 'stateHandle'> {
  const { temperature, beamSize, topK, topP, profileWeight, densityWeight } = r;
  return {
    temperature, beamSize,
    ...(topK === undefined ? {} : { topK }),
    ...(topP === undefined ? {} : { topP }),
    ...(profileWeight === undefined ? {} : { profileWeight }),
    ...(densityWeight === undefined ? {} : { densityWeight }),
  };
}

function firstReply(worker: Worker, name: string): Promise<Extract<WorkerReply, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply): void => {
      worker.off('message', onMessage);
      if (m.type === 'ready') resolve(m);
      else reject(new GeneratorWorkerError(name, m.type === 'error' ? m.message : 'unexpected first message'));
    };
    worker.on('message', onMessage);
    worker.once('error', (e) => reject(new GeneratorWorkerError(name, e.message)));
  });
}
