import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { virtualScheduler } from '../clock/testing.js';
import { schedulerTimers } from '../clock/timers.js';
import { RecordingDisplayOpener } from './display-link.js';
import { DisplayLoop } from './display-loop.js';
import { renderFrame, type FrameRenderer, type RenderedFrame } from './frame-renderer.js';
import { demoDisplayState, demoSnapshot } from './demo-state.js';
import type { DisplayState } from './render-state.js';

/** Byte-equal frames (a deep toEqual on 320 KB is slow). */
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

/** A display loop on virtual time, with a renderer that takes `renderMs` of it (a slow CPU). */
function rig(renderMs: number) {
  const { clock, wakeup, scheduler } = virtualScheduler(0);
  const timers = schedulerTimers(scheduler);
  // Two real frames, taken in turn, so a fresh render can be told from the one before (rendering is slow here).
  const frames: RenderedFrame[] = [];
  const frameOf = (i: number, state: DisplayState): RenderedFrame =>
    (frames[i] ??= renderFrame({ ...state, snapshot: { ...state.snapshot, demo: i === 1 } }));
  let n = 0;
  const renderer: FrameRenderer = {
    render: (state) =>
      new Promise<RenderedFrame>((resolve) => {
        const frame = frameOf(n++ % 2, state);
        timers.after(renderMs, () => resolve(frame));
      }),
    dispose: () => Promise.resolve(),
  };
  const opener = new RecordingDisplayOpener();
  const lastFrame: { frame: Uint8Array | undefined } = { frame: undefined };
  const loop = (): DisplayLoop =>
    new DisplayLoop({
      timers,
      now: () => clock.nowMs(),
      log: pino({ level: 'silent' }),
      opener,
      renderer,
      state: () => demoDisplayState(demoSnapshot(), 0),
      maxFps: 10,
      lastFrame,
    });
  const run = async (ms: number): Promise<void> => {
    const end = clock.nowMs() + ms;
    while (clock.nowMs() < end) {
      wakeup.advanceTo(Math.min(end, clock.nowMs() + 5));
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
  };
  return { clock, opener, lastFrame, loop, run };
}

describe('display loop on a replug', () => {
  it('a reopened display gets the last frame at once, and the fresh render follows', async () => {
    const r = rig(2000);
    const first = r.loop();
    first.start();
    await r.run(2100);
    const sent = r.opener.current?.frames[0];
    expect(sent).toBeDefined();
    expect(same(r.lastFrame.frame, sent)).toBe(true);
    await first.stop();
    const t0 = r.clock.nowMs();
    const second = r.loop();
    second.start();
    await r.run(50);
    const again = r.opener.current;
    expect(again).not.toBe(r.opener.links[0]);
    expect(again?.frames).toHaveLength(1);
    expect(same(again?.frames[0], sent)).toBe(true);
    expect(r.clock.nowMs() - t0).toBeLessThan(100);
    await r.run(2200);
    expect(again?.frames.length).toBeGreaterThanOrEqual(2);
    expect(same(again?.frames[1], sent)).toBe(false);
    await second.stop();
  });

  it('a display that is not on USB yet is looked for again within 100 ms at first, then every second', async () => {
    const r = rig(0);
    r.opener.present = false;
    const loop = r.loop();
    loop.start();
    await r.run(250);
    expect(r.opener.opens).toBeGreaterThanOrEqual(3);
    r.opener.present = true;
    await r.run(120);
    expect(r.opener.current?.frames.length).toBeGreaterThan(0);
    await loop.stop();
    // Missing for long: after the quick tries, once a second.
    const slow = rig(0);
    slow.opener.present = false;
    const l2 = slow.loop();
    l2.start();
    await slow.run(1100);
    const opens = slow.opener.opens;
    await slow.run(2000);
    expect(slow.opener.opens - opens).toBeLessThanOrEqual(3);
    await l2.stop();
  });
});
