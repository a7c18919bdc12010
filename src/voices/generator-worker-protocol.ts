import type { LogLikelihood } from '../perform/generator-port.js';

/** Main thread to generator worker. */
export interface WorkerRequest {
  readonly type: 'generate';
  readonly id: number;
  readonly request: {
    readonly primer: Uint16Array;
    readonly steps: number;
    readonly temperature: number;
    readonly beamSize: number;
    readonly topK?: number;
    readonly topP?: number;
    readonly profileWeight?: number;
    readonly densityWeight?: number;
    readonly seed: number;
    readonly stateHandle?: number;
  };
}

/** Generator worker to main thread. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly classPitches: number[]; readonly classOfPitch: number[]; readonly parameters: number; readonly msPerStep: number }
  | { readonly type: 'error'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly events: Uint16Array;
      readonly logLikelihood: LogLikelihood;
      readonly primerLogLikelihood: LogLikelihood;
      readonly stateHandle: number;
      readonly computeMs: number;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
