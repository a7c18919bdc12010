import { parentPort } from 'node:worker_threads';
import { renderFrame } from './frame-renderer.js';
import type { DisplayState } from './render-state.js';

// The display's render thread: a state in, an encoded frame out (its buffer transferred).
parentPort?.on('message', (m: { id: number; state: DisplayState }) => {
  try {
    const { frame, renderMs, encodeMs } = renderFrame(m.state);
    parentPort?.postMessage({ id: m.id, frame, renderMs, encodeMs }, [frame.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message });
  }
});
