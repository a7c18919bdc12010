import type { Worker } from 'node:worker_threads';
import { startWorker } from '../system/start-worker.js';
import type { GenerationResult } from '../perform/generator-port.js';
import type { ModelSource } from './model-source.js';
import type { WorkerActivity } from './generator-worker-health.js';
import type {
  IsolateMemory,
  WorkerGenerationRequest,
  WorkerReply,
  WorkerRequest,
} from './generator-worker-protocol.js';

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

interface Hosted {
  readonly name: string;
  readonly source: ModelSource;
  readonly onWarm: (msPerStep: number, packMs: number) => void;
}

type Waiter<T> = { resolve: (v: T) => void; reject: (e: Error) => void; model: string; sentMs: number };

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
  readonly #models = new Map<number, Hosted>();
  readonly #loads = new Map<number, Waiter<LoadedModelInfo>>();
  readonly #pending = new Map<number, Waiter<HostedResult>>();
  readonly #memory = new Map<number, Waiter<IsolateMemory>>();
  readonly #pings = new Map<number, Waiter<void>>();
  /** Models loading in the worker (read, pack, warm-up), since when: the worker owes their 'warm'. */
  readonly #warming = new Map<number, number>();
  #lastHeardMs = 0;

  /** `now`: the clock of `activity()`'s times (ms). */
  constructor(readonly now: () => number = () => performance.now()) {
    this.#worker = this.#start();
  }

  /** What the worker owes and when it last said anything, for `GeneratorWorkerWatch`. */
  activity(): WorkerActivity {
    const since = [...this.#warming.values()];
    for (const waiters of [this.#pending, this.#memory] as Map<number, Waiter<unknown>>[])
      for (const w of waiters.values()) since.push(w.sentMs);
    const owedSinceMs = since.length > 0 ? Math.min(...since) : undefined;
    return { owed: since.length, owedSinceMs, lastHeardMs: this.#lastHeardMs };
  }

  /** Resolves when the worker answers (after the request it is running); rejects if it dies first. */
  ping(): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pings.set(id, { resolve, reject, model: '(ping)', sentMs: this.now() });
      this.#post({ type: 'ping', id });
    });
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
    const info = new Promise<LoadedModelInfo>((resolve, reject) =>
      this.#loads.set(model, { resolve, reject, model: name, sentMs: this.now() }),
    );
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
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, model: name, sentMs: this.now() });
      this.#post({ type: 'generate', model, id, request });
    });
  }

  /** Heap figures of the worker's isolate, measured inside it. */
  memory(): Promise<IsolateMemory> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#memory.set(id, { resolve, reject, model: '(memory)', sentMs: this.now() });
      this.#post({ type: 'memory', id });
    });
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
    if (m.type === 'pong') {
      this.#pings.get(m.id)?.resolve();
      this.#pings.delete(m.id);
    } else if (m.type === 'warm-failed') this.#warming.delete(m.model);
    else if (m.type === 'loaded' || m.type === 'load-failed') {
      if (m.type === 'load-failed') this.#warming.delete(m.model);
      const w = this.#loads.get(m.model);
      this.#loads.delete(m.model);
      if (m.type === 'loaded') {
        const workerStartMs = this.#startMs ?? 0;
        this.#startMs = 0;
        const { classPitches, classOfPitch, parameters, readMs } = m;
        w?.resolve({ classPitches, classOfPitch, parameters, timing: { workerStartMs, readMs } });
      } else w?.reject(new GeneratorWorkerError(w.model, m.message));
    } else if (m.type === 'started') this.#startMs = performance.now() - this.#startedAt;
    else if (m.type === 'warm') {
      this.#warming.delete(m.model);
      this.#models.get(m.model)?.onWarm(m.msPerStep, m.packMs);
    } else if (m.type === 'memory') {
      this.#memory.get(m.id)?.resolve(m.memory);
      this.#memory.delete(m.id);
    } else {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (!p) return;
      if (m.type === 'failed') p.reject(new GeneratorWorkerError(p.model, m.message));
      else
        p.resolve({
          events: m.events,
          logLikelihood: m.logLikelihood,
          primerLogLikelihood: m.primerLogLikelihood,
          worker: this.#worker,
          stateHandle: m.stateHandle,
          computeMs: m.computeMs,
        });
    }
  }

  #died(worker: Worker, why: string): void {
    this.#replace(worker, why);
  }

  /** Fails what `worker` owes with `why` and starts its successor, which loads every model again. */
  #replace(worker: Worker, why: string): void {
    if (worker !== this.#worker || this.#closed) return;
    for (const waiters of [this.#loads, this.#pending, this.#memory, this.#pings] as Map<number, Waiter<never>>[]) {
      for (const w of waiters.values()) w.reject(new GeneratorWorkerError(w.model, why));
      waiters.clear();
    }
    this.#warming.clear();
    // Start again for the next request; the model loads happen off the main thread too.
    this.#worker = this.#start();
    for (const model of this.#models.keys()) this.#postLoad(model);
  }
}
