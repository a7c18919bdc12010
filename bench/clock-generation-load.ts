import { Worker } from 'node:worker_threads';
import { TS_WORKER, tsWorkerData } from './timing-stats.js';

/** The model generating on a worker thread, as on the box while it answers. */
export interface GenerationLoad {
  /** Ends the load; resolves with the steps it generated and its mean time per step. */
  stop(): Promise<{ steps: number; msPerStep: number }>;
}

/**
 * Starts the model generating without pause on a worker (lstm-load.worker.ts), so a clock
 * bench can measure its ticks with the box's heaviest work alongside (bench:clock, bench:link).
 */
export function startGeneration(): GenerationLoad {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(TS_WORKER, { workerData: tsWorkerData('./lstm-load.worker.ts', { stop }) });
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', (result: { steps: number; msPerStep: number }) => {
          void worker.terminate();
          resolve(result);
        });
        Atomics.store(new Int32Array(stop), 0, 1);
      }),
  };
}
