import { afterAll, describe, expect, it } from 'vitest';
import { demoDisplayState, demoSnapshot } from './demo-state.js';
import { InlineFrameRenderer, WorkerFrameRenderer } from './frame-renderer.js';
import { FRAME_BYTES } from './frame.js';

describe('frame renderers', () => {
  const worker = new WorkerFrameRenderer();
  afterAll(async () => worker.dispose());

  it('the worker thread renders the same frame as the main thread, and says what it cost', async () => {
    const state = demoDisplayState(demoSnapshot({ engine: 'listening' }), 1);
    const [a, b] = await Promise.all([worker.render(state), new InlineFrameRenderer().render(state)]);
    expect(a.frame.length).toBe(FRAME_BYTES);
    expect(Buffer.from(a.frame).equals(Buffer.from(b.frame))).toBe(true);
    expect(a.renderMs).toBeGreaterThan(0);
    expect(a.encodeMs).toBeGreaterThan(0);
  });

  it('keeps frames apart when several are asked for at once', async () => {
    const states = [0, 1, 2].map((page) => demoDisplayState(demoSnapshot(), page));
    const frames = await Promise.all(states.map((s) => worker.render(s)));
    const inline = await Promise.all(states.map((s) => new InlineFrameRenderer().render(s)));
    frames.forEach((f, i) => expect(Buffer.from(f.frame).equals(Buffer.from(inline[i]?.frame ?? []))).toBe(true));
    expect(Buffer.from(frames[0]?.frame ?? []).equals(Buffer.from(frames[1]?.frame ?? []))).toBe(false);
  });
});
