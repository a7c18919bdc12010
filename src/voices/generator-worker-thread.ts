import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { GeneratorState } from '../perform/generator-port.js';
import { wasmCapacityFor } from '../model/network/wasm/wasm-kernels.js';
import { openModel, type ModelSource } from './model-source.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';
import type { WorkerReply, WorkerRequest } from './generator-worker-protocol.js';
import { errorMessage } from '../util/error-message.js';

/**
 * The one worker thread that owns every model of the box: inference here never holds up
 * the main thread, where the scheduler sends clock ticks and notes. One isolate for all
 * models, not one each: an isolate with the model code costs ~30 MB (bench:memory).
 * Carried states stay here, named by handles.
 */
const MAX_STATES_PER_MODEL = 32;

interface Served {
  readonly generator: MusicRnnGenerator;
  readonly states: Map<number, GeneratorState>;
}

const port = parentPort;
const models = new Map<number, Served>();
/** Loads still reading their checkpoint: a request for one waits for it (after a restart). */
const loading = new Map<number, Promise<void>>();
/** Models whose load failed after 'loaded' went out (packing), with why: their requests fail. */
const unusable = new Map<number, string>();
/** Models unloaded while still loading: dropped once their load ends. */
const unloaded = new Set<number>();
let nextHandle = 1;
const post = (m: WorkerReply): void => port?.postMessage(m);

async function load(model: number, name: string, source: ModelSource): Promise<void> {
  let generator: MusicRnnGenerator;
  const t0 = performance.now();
  try {
    // Read and checked here; packed just after 'loaded' goes out (off the path to READY).
    generator = new MusicRnnGenerator(name, await openModel(source, { deferPacking: true }));
  } catch (e) {
    post({ type: 'load-failed', model, message: errorMessage(e) });
    return;
  }
  const map = generator.model.drumMap;
  post({
    type: 'loaded',
    model,
    classPitches: [...generator.classPitches],
    classOfPitch: map ? [...map.classOfPitch] : [],
    parameters: generator.model.arch.parameterCount,
    readMs: performance.now() - t0,
  });
  // A request that arrives meanwhile waits for this load (`loading`): packing and warm-up.
  await new Promise((resolve) => setImmediate(resolve));
  const t1 = performance.now();
  let packMs: number;
  let msPerStep: number;
  try {
    generator.model.network.pack();
    packMs = performance.now() - t1;
    dropFloatWeights(generator);
    collectGarbage();
    // Still inside the load, so a request that arrived meanwhile runs after it, warm.
    msPerStep = warmUp(generator);
  } catch (e) {
    // Internal (checked checkpoints pack): its requests fail with this, the others play on.
    unusable.set(model, `could not be packed: ${errorMessage(e)}`);
    post({ type: 'warm-failed', model, message: errorMessage(e) });
    return;
  }
  if (unloaded.delete(model)) return;
  models.set(model, { generator, states: new Map() });
  post({ type: 'warm', model, msPerStep, packMs });
}

/**
 * The checkpoint's float32 copy of every weight (4 bytes a parameter) is only read while
 * the network packs its kernels; the kernels keep their own (8-bit) copy and the biases
 * they reference. Dropping the map frees the rest for the collector.
 */
function dropFloatWeights(generator: MusicRnnGenerator): void {
  const tensors = generator.model.checkpoint.tensors;
  if (tensors instanceof Map) tensors.clear();
}

/**
 * A full collection now, once per load: the checkpoint's float copies are tens of MB of old
 * space that V8 would otherwise keep (and keep resident) until some later allocation
 * pressure, which inference alone never builds. The flag only adds `gc` to contexts made
 * after it, such as the one asked for it here.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function generate(m: Extract<WorkerRequest, { type: 'generate' }>): void {
  const served = models.get(m.model);
  if (!served) {
    const why = unusable.get(m.model) ?? 'is not loaded in this worker';
    return post({ type: 'failed', id: m.id, message: `model ${m.model} ${why}` });
  }
  try {
    const { stateHandle, ...rest } = m.request;
    const state = stateHandle === undefined ? undefined : served.states.get(stateHandle);
    const t0 = performance.now();
    const r = served.generator.generateNow({ ...rest, ...(state ? { state } : {}) });
    const handle = nextHandle++;
    served.states.set(handle, r.state);
    // Oldest first: a Map iterates in insertion order.
    for (const key of served.states.keys()) if (served.states.size > MAX_STATES_PER_MODEL) served.states.delete(key);
    post({
      type: 'result',
      id: m.id,
      events: r.events,
      logLikelihood: r.logLikelihood,
      primerLogLikelihood: r.primerLogLikelihood,
      stateHandle: handle,
      computeMs: performance.now() - t0,
    });
  } catch (e) {
    post({ type: 'failed', id: m.id, message: errorMessage(e) });
  }
}

function memory(id: number): void {
  const h = getHeapStatistics();
  let wasm = 0;
  for (const { generator } of models.values())
    wasm += Math.ceil(wasmCapacityFor(generator.model.arch.parameterCount, 'int8') / 65536) * 65536;
  post({
    type: 'memory',
    id,
    memory: {
      heapUsed: h.used_heap_size,
      heapTotal: h.total_heap_size,
      external: h.external_memory,
      wasm,
      models: models.size,
    },
  });
}

/**
 * Runs a few throwaway exchanges so the first real one does not pay for JIT and WebAssembly
 * tier-up (seconds on a slow core), and returns the warm cost per step.
 */
function warmUp(generator: MusicRnnGenerator): number {
  const primer = Uint16Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? 1 : 4));
  let msPerStep = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    generator.generateNow({ primer, steps: 32, temperature: 1, beamSize: 1, seed: i });
    msPerStep = (performance.now() - t0) / 64;
  }
  return msPerStep;
}

port?.on('message', (m: WorkerRequest) => {
  if (m.type === 'load') {
    const done = load(m.model, m.name, m.source).finally(() => loading.delete(m.model));
    loading.set(m.model, done);
  } else if (m.type === 'unload') {
    if (loading.has(m.model)) unloaded.add(m.model);
    models.delete(m.model);
    unusable.delete(m.model);
  } else if (m.type === 'generate') {
    const pending = loading.get(m.model);
    if (pending) void pending.then(() => generate(m));
    else generate(m);
  } else if (m.type === 'ping') post({ type: 'pong', id: m.id });
  else if (m.type === 'hang') hang(m.forMs);
  else memory(m.id);
});

/** A real hang for the watchdog's tests: this thread answers nothing until `forMs` have passed. */
function hang(forMs: number): void {
  const until = performance.now() + forMs;
  while (performance.now() < until);
}
post({ type: 'started' });
