import type { LogLikelihood } from '../perform/generator-port.js';
import type { ModelSource } from './model-source.js';

/** A generation request as it crosses to the worker (structured-cloned). */
export interface WorkerGenerationRequest {
  readonly primer: Uint16Array;
  readonly steps: number;
  readonly temperature: number;
  readonly beamSize: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly profileWeight?: number;
  readonly profileFloor?: number;
  readonly densityWeight?: number;
  readonly seed: number;
  readonly stateHandle?: number;
}

/** One isolate's memory, as V8 reports it inside that isolate (bytes). */
export interface IsolateMemory {
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** ArrayBuffers and other memory V8 knows of outside its heap (WebAssembly memory included). */
  readonly external: number;
  /** Bytes reserved for the models' WebAssembly kernel memories (untouched pages are not resident). */
  readonly wasm: number;
  readonly models: number;
}

/** Main thread to the generator worker. `model` numbers a loaded model within the worker. */
export type WorkerRequest =
  | { readonly type: 'load'; readonly model: number; readonly name: string; readonly source: ModelSource }
  | { readonly type: 'unload'; readonly model: number }
  | {
      readonly type: 'generate';
      readonly model: number;
      readonly id: number;
      readonly request: WorkerGenerationRequest;
    }
  | { readonly type: 'memory'; readonly id: number }
  /** Answered with a pong as soon as the worker's loop gets to it: after the request it is running, if any. */
  | { readonly type: 'ping'; readonly id: number }
  /**
   * Fault injection for the watchdog's tests: the worker's thread busy-loops for `forMs`
   * (Infinity: for ever), a real hang that only terminating the thread ends.
   */
  | { readonly type: 'hang'; readonly forMs: number };

/** Generator worker to main thread. */
export type WorkerReply =
  /** Sent once, when the worker's modules are loaded and it listens (its start-up cost). */
  | { readonly type: 'started' }
  | {
      readonly type: 'loaded';
      readonly model: number;
      readonly classPitches: number[];
      readonly classOfPitch: number[];
      readonly parameters: number;
      /** Time spent reading and checking the checkpoint (its kernels are packed just after). */
      readonly readMs: number;
    }
  | { readonly type: 'load-failed'; readonly model: number; readonly message: string }
  /**
   * Sent after `loaded`, once the weights are packed (`packMs`) and throwaway generations have
   * warmed the model up (JIT, WebAssembly tier-up).
   */
  | { readonly type: 'warm'; readonly model: number; readonly msPerStep: number; readonly packMs: number }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly events: Uint16Array;
      readonly logLikelihood: LogLikelihood;
      readonly primerLogLikelihood: LogLikelihood;
      readonly stateHandle: number;
      readonly computeMs: number;
    }
  /** A model whose checkpoint was read could not be packed: it never reports 'warm', its requests fail. */
  | { readonly type: 'warm-failed'; readonly model: number; readonly message: string }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'pong'; readonly id: number }
  | { readonly type: 'memory'; readonly id: number; readonly memory: IsolateMemory };
