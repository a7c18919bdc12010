import type { Worker } from 'node:worker_threads';
import { startWorker } from '../system/start-worker.js';
import type { ModelSource } from './model-source.js';
import type { WorkerActivity } from './generator-worker-health.js';
import { ReplyWaiters } from './generator-worker-waiters.js';
import {
  GENERATOR_WORKER_LIMITS,
  GeneratorWorkerError,
  type HostedModel,
  type HostedResult,
  type LoadedModelInfo,
} from './generator-worker-types.js';
import type {
  IsolateMemory,
  WorkerGenerationRequest,
  WorkerReply,
  WorkerRequest,
} from './generator-worker-protocol.js';

/**
 * One worker thread serving every model of the box (one isolate, one copy of the model
 * code). A worker that dies, or is restarted because it hangs (`restart`), fails the
 * requests in flight (the engine logs them and keeps playing) and is started again at once,
 * with every model still in use loaded again.
 */
export class GeneratorWorkerHost {
  #worker: Worker;
  #nextModel = 1;
  #nextId = 1;
  #closed = false;
  /** When the current worker was started (performance.now()). */
  #startedAt = 0;
  /** How long the current worker took to start (isolate and modules), until its first model reports it. */
  #startMs: number | undefined;
  readonly #models = new Map<number, HostedModel>();
  /** Loads by model number; the others by request id. */
  readonly #loads = new ReplyWaiters<LoadedModelInfo>();
  readonly #pending = new ReplyWaiters<HostedResult>();
  readonly #memory = new ReplyWaiters<IsolateMemory>();
  readonly #pings = new ReplyWaiters<void>();
  /** Models loading in the worker (read, pack, warm-up), since when: the worker owes their 'warm'. */
  readonly #warming = new Map<number, number>();
  #lastHeardMs = 0;

  /** `now`: the clock of `activity()`'s times (ms). */
  constructor(readonly now: () => number = () => performance.now()) {
    this.#worker = this.#start();
  }

  /** What the worker owes and when it last said anything, for `GeneratorWorkerWatch`. */
  activity(): WorkerActivity {
    const since = [...this.#warming.values(), ...this.#pending.sentTimes(), ...this.#memory.sentTimes()];
    const owedSinceMs = since.length > 0 ? Math.min(...since) : undefined;
    return { owed: since.length, owedSinceMs, lastHeardMs: this.#lastHeardMs };
  }

  /** Resolves when the worker answers (after the request it is running); rejects if it dies first. */
  ping(): Promise<void> {
    const id = this.#nextId++;
    const pong = this.#pings.wait(id, '(ping)', this.now());
    this.#post({ type: 'ping', id });
    return pong;
  }

  /**
   * Ends a hung worker: what it owes fails with `why`, a new worker starts and loads every
   * model again, and the old thread is terminated. Resolves once the old thread has ended
   * (never, if it cannot be stopped).
   */
  restart(why: string): Promise<void> {
    const old = this.#worker;
    this.#replace(old, why);
    return old.terminate().then(() => undefined);
  }

  /** Fault injection for tests: the worker's thread hangs (busy-loops) for `forMs`. */
  injectHang(forMs: number): void {
    this.#post({ type: 'hang', forMs });
  }

  /** True once the last model was unloaded and the worker ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The worker now serving (a carried state belongs to the worker that made it). */
  get worker(): Worker {
    return this.#worker;
  }

  /** Loads a model into the worker; resolves with its number and what the box needs of it. */
  async load(
    name: string,
    source: ModelSource,
    onWarm: (msPerStep: number, packMs: number) => void,
  ): Promise<{ model: number; info: LoadedModelInfo }> {
    const model = this.#nextModel++;
    const info = this.#loads.wait(model, name, this.now());
    this.#models.set(model, { name, source, onWarm });
    this.#postLoad(model);
    try {
      return { model, info: await info };
    } catch (e) {
      this.unload(model);
      throw e;
    }
  }

  generate(model: number, request: WorkerGenerationRequest): Promise<HostedResult> {
    const id = this.#nextId++;
    const name = this.#models.get(model)?.name ?? String(model);
    const result = this.#pending.wait(id, name, this.now());
    this.#post({ type: 'generate', model, id, request });
    return result;
  }

  /** Heap figures of the worker's isolate, measured inside it. */
  memory(): Promise<IsolateMemory> {
    const id = this.#nextId++;
    const memory = this.#memory.wait(id, '(memory)', this.now());
    this.#post({ type: 'memory', id });
    return memory;
  }

  /** Frees a model; the last one ends the worker. */
  unload(model: number): void {
    if (!this.#models.delete(model)) return;
    this.#warming.delete(model);
    if (this.#models.size > 0) return this.#post({ type: 'unload', model });
    this.#closed = true;
    void this.#worker.terminate();
  }

  #post(m: WorkerRequest): void {
    if (!this.#closed) this.#worker.postMessage(m);
  }

  #postLoad(model: number): void {
    const h = this.#models.get(model);
    if (!h || this.#closed) return;
    this.#warming.set(model, this.now());
    this.#post({ type: 'load', model, name: h.name, source: h.source });
  }

  #start(): Worker {
    this.#startedAt = performance.now();
    this.#startMs = undefined;
    this.#lastHeardMs = this.now();
    const worker = startWorker(import.meta.url, './generator-worker-thread', {
      resourceLimits: GENERATOR_WORKER_LIMITS,
    });
    // A replaced worker still running until it is terminated is not heard any more.
    worker.on('message', (m: WorkerReply) => {
      if (worker === this.#worker) this.#reply(m);
    });
    worker.on('error', (e) => this.#died(worker, e.message));
    worker.on('exit', (code) => this.#died(worker, `exited with code ${code}`));
    return worker;
  }

  #reply(m: WorkerReply): void {
    this.#lastHeardMs = this.now();
    if (m.type === 'pong') this.#pings.resolve(m.id, undefined);
    else if (m.type === 'warm-failed') this.#warming.delete(m.model);
    else if (m.type === 'loaded') {
      const workerStartMs = this.#startMs ?? 0;
      this.#startMs = 0;
      const { classPitches, classOfPitch, parameters, readMs } = m;
      this.#loads.resolve(m.model, { classPitches, classOfPitch, parameters, timing: { workerStartMs, readMs } });
    } else if (m.type === 'load-failed') {
      this.#warming.delete(m.model);
      this.#loads.reject(m.model, (model) => new GeneratorWorkerError(model, m.message));
    } else if (m.type === 'started') this.#startMs = performance.now() - this.#startedAt;
    else if (m.type === 'warm') {
      this.#warming.delete(m.model);
      this.#models.get(m.model)?.onWarm(m.msPerStep, m.packMs);
    } else if (m.type === 'memory') this.#memory.resolve(m.id, m.memory);
    else if (m.type === 'failed') this.#pending.reject(m.id, (model) => new GeneratorWorkerError(model, m.message));
    else {
      const { events, logLikelihood, primerLogLikelihood, stateHandle, computeMs } = m;
      const worker = this.#worker;
      this.#pending.resolve(m.id, { events, logLikelihood, primerLogLikelihood, worker, stateHandle, computeMs });
    }
  }

  #died(worker: Worker, why: string): void {
    this.#replace(worker, why);
  }

  /** Fails what `worker` owes with `why` and starts its successor, which loads every model again. */
  #replace(worker: Worker, why: string): void {
    if (worker !== this.#worker || this.#closed) return;
    const gone = (model: string): Error => new GeneratorWorkerError(model, why);
    for (const waiters of [this.#loads, this.#pending, this.#memory, this.#pings]) waiters.rejectAll(gone);
    this.#warming.clear();
    // Start again for the next request; the model loads happen off the main thread too.
    this.#worker = this.#start();
    for (const model of this.#models.keys()) this.#postLoad(model);
  }
}
