import { parentPort, workerData } from 'node:worker_threads';
import type { GeneratorState } from '../perform/generator-port.js';
import { openModel, type ModelSource } from './model-source.js';
import { MusicRnnGenerator } from './music-rnn-generator.js';
import type { WorkerReply, WorkerRequest } from './generator-worker-protocol.js';
import { errorMessage } from '../util/error-message.js';

/**
 * Worker thread that owns one model: inference here never holds up the main thread, where
 * the scheduler sends clock ticks and notes. Carried states stay here, named by handles.
 */
const MAX_STATES = 32;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const { name, source } = workerData as { name: string; source: ModelSource };
  const post = (m: WorkerReply): void => port.postMessage(m);
  let generator: MusicRnnGenerator;
  try {
    generator = new MusicRnnGenerator(name, await openModel(source));
  } catch (e) {
    post({ type: 'error', message: errorMessage(e) });
    return;
  }
  const map = generator.model.drumMap;
  post({ type: 'ready', classPitches: [...generator.classPitches], classOfPitch: map ? [...map.classOfPitch] : [], parameters: generator.model.arch.parameterCount, msPerStep: warmUp(generator) });
  const states = new Map<number, GeneratorState>();
  let nextHandle = 1;
  port.on('message', (m: WorkerRequest) => {
    if (m.type !== 'generate') return;
    try {
      const { stateHandle, ...rest } = m.request;
      const state = stateHandle === undefined ? undefined : states.get(stateHandle);
      const t0 = performance.now();
      const r = generator.generateNow({ ...rest, ...(state ? { state } : {}) });
      const handle = nextHandle++;
      states.set(handle, r.state);
      // Oldest first: a Map iterates in insertion order.
      for (const key of states.keys()) if (states.size > MAX_STATES) states.delete(key);
      post({ type: 'result', id: m.id, events: r.events, logLikelihood: r.logLikelihood, primerLogLikelihood: r.primerLogLikelihood, stateHandle: handle, computeMs: performance.now() - t0 });
    } catch (e) {
      post({ type: 'failed', id: m.id, message: errorMessage(e) });
    }
  });
}

/**
 * Runs a few throwaway exchanges so the first real one does not pay for JIT and WebAssembly
 * tier-up (seconds on a slow core), and returns the warm cost per step, which the engine
 * uses as its first estimate of when to decide.
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

void main();
