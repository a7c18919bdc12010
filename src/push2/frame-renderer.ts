import { Worker } from 'node:worker_threads';
import { encodeFrame } from './frame.js';
import { renderDisplay } from './render.js';
import type { DisplayState } from './render-state.js';

/** One rendered and encoded frame, with what each half cost. */
export interface RenderedFrame {
  readonly frame: Uint8Array;
  readonly renderMs: number;
  readonly encodeMs: number;
}

/** Turns display states into frames. The box's runs in a worker thread, off the clock's thread. */
export interface FrameRenderer {
  render(state: DisplayState): Promise<RenderedFrame>;
  dispose(): Promise<void>;
}

/** Renders on the calling thread: tests, the snapshot command, the bench's reference. */
export class InlineFrameRenderer implements FrameRenderer {
  async render(state: DisplayState): Promise<RenderedFrame> {
    await Promise.resolve();
    return renderFrame(state);
  }

  async dispose(): Promise<void> {
    await Promise.resolve();
  }
}

export function renderFrame(state: DisplayState): RenderedFrame {
  const t0 = performance.now();
  const img = renderDisplay(state);
  const t1 = performance.now();
  const frame = encodeFrame(img);
  return { frame, renderMs: t1 - t0, encodeMs: performance.now() - t1 };
}

interface Reply {
  readonly id: number;
  readonly frame?: Uint8Array;
  readonly renderMs?: number;
  readonly encodeMs?: number;
  readonly error?: string;
}

/** Spawns the worker: the built .js in production, the .ts through tsx in development and tests. */
function spawn(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./render-worker.ts', self).href;
    return new Worker(
      `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true },
    );
  }
  return new Worker(new URL('./render-worker.js', self));
}

/**
 * Renders and encodes in a worker thread: the main thread (scheduler, MIDI, clock) only
 * posts the state and gets the frame's buffer back, transferred, not copied.
 */
export class WorkerFrameRenderer implements FrameRenderer {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (f: RenderedFrame) => void; reject: (e: Error) => void }>();
  #next = 0;

  constructor() {
    this.#worker = spawn();
    this.#worker.unref();
    this.#worker.on('message', (r: Reply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (r.frame) p.resolve({ frame: r.frame, renderMs: r.renderMs ?? 0, encodeMs: r.encodeMs ?? 0 });
      else p.reject(new Error(`display render worker: ${r.error ?? 'no frame'}`));
    });
    this.#worker.on('error', (e) => this.#failAll(e));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`display render worker exited (${code})`)));
  }

  render(state: DisplayState): Promise<RenderedFrame> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, state });
    });
  }

  async dispose(): Promise<void> {
    await this.#worker.terminate();
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}
