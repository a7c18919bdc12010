/**
 * Push 2 bench: what a display frame costs (render, encode, transfer), the frame rate the
 * display loop reaches, how much it holds the main thread (the clock's) with the renderer in
 * a worker against the same renderer inline, and the pad-light latency from a hit.
 * References in the same run: a naive frame encoder and a plain copy of the frame's bytes;
 * the event loop's delay with nothing running; the bus's own hit event for the pad light.
 * With a Push 2 on USB the transfer is real; without one it goes to the recording simulator
 * (a memory copy), and the line says so.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nodeTimers } from '../src/clock/timers.js';
import { createLogger } from '../src/system/log.js';
import { PUSH2_SCHEMA } from '../src/push2/config.js';
import { demoDisplayState, demoSnapshot } from '../src/push2/demo-state.js';
import { RecordingDisplayOpener, type DisplayOpener } from '../src/push2/display-link.js';
import { DisplayLoop } from '../src/push2/display-loop.js';
import { DISPLAY_HEIGHT, DISPLAY_WIDTH, FRAME_BYTES, LINE_BYTES, encodeFrame } from '../src/push2/frame.js';
import { InlineFrameRenderer, WorkerFrameRenderer, type FrameRenderer } from '../src/push2/frame-renderer.js';
import type { RgbImage } from '../src/push2/image.js';
import { playerIndex } from '../src/push2/palette.js';
import { Push2Surface } from '../src/push2/push2-surface.js';
import { renderDisplay } from '../src/push2/render.js';
import { UsbDisplayOpener } from '../src/push2/usb-display.js';
import { startSimBox } from '../test/support/sim-box.js';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 200);
const LOOP_MS = Number(process.env.BENCH_LOOP_MS ?? 3000);

const pct = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const ms = (v: number): string => `${v.toFixed(3)} ms`;
const line = (name: string, xs: readonly number[]): string =>
  `${name.padEnd(40)} p50 ${ms(pct(xs, 0.5)).padStart(11)}  p99 ${ms(pct(xs, 0.99)).padStart(11)}`;

/** The straightforward encoder: a DataView per pixel, then XOR as a second pass. */
function naiveEncode(img: RgbImage): Uint8Array {
  const out = new Uint8Array(FRAME_BYTES);
  const view = new DataView(out.buffer);
  for (let y = 0; y < DISPLAY_HEIGHT; y++)
    for (let x = 0; x < DISPLAY_WIDTH; x++) {
      const i = (y * DISPLAY_WIDTH + x) * 3;
      const [r = 0, g = 0, b = 0] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      view.setUint16(y * LINE_BYTES + x * 2, ((b >> 3) << 11) | ((g >> 2) << 5) | (r >> 3), true);
    }
  const pattern = [0xe7, 0xf3, 0xe7, 0xff];
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) ^ (pattern[i & 3] ?? 0);
  return out;
}

function timeEach(n: number, fn: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

function frameCosts(): void {
  const states = [0, 1, 2, 3].map((p) => demoDisplayState(demoSnapshot({ engine: p % 2 ? 'listening' : 'idle' }), p));
  const images = states.map((s) => renderDisplay(s));
  const stateAt = (i: number) => states[i % states.length] ?? demoDisplayState();
  const imageAt = (i: number) => images[i % images.length] ?? renderDisplay(demoDisplayState());
  for (let i = 0; i < 20; i++) encodeFrame(renderDisplay(stateAt(i)));
  const render = timeEach(FRAMES, (i) => renderDisplay(stateAt(i)));
  const out = new Uint8Array(FRAME_BYTES);
  const encode = timeEach(FRAMES, (i) => encodeFrame(imageAt(i), out));
  const naive = timeEach(FRAMES, (i) => naiveEncode(imageAt(i)));
  const src = Buffer.alloc(FRAME_BYTES, 7);
  const dst = Buffer.alloc(FRAME_BYTES);
  const copy = timeEach(FRAMES, () => src.copy(dst));
  console.log(`frame costs (${FRAMES} frames, main thread)`);
  console.log(line('render 960x160', render));
  console.log(line('encode (ours)', encode));
  console.log(line('encode (naive reference)', naive));
  console.log(line('copy 327,680 bytes (reference)', copy));
  console.log(
    `ratio encode ours / naive: ${(pct(encode, 0.5) / pct(naive, 0.5)).toFixed(2)}   ours / copy: ${(pct(encode, 0.5) / pct(copy, 0.5)).toFixed(1)}`,
  );
}

async function loopRun(
  name: string,
  renderer: FrameRenderer | undefined,
  opener: DisplayOpener,
): Promise<{ p99: number; fps: number }> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const log = createLogger('error', false);
  const state = demoDisplayState();
  const loop =
    renderer &&
    new DisplayLoop({
      timers: nodeTimers,
      now: () => performance.now(),
      log,
      opener,
      renderer,
      state: () => state,
      maxFps: 30,
    });
  const poke = setInterval(() => loop?.invalidate(), 5);
  lag.enable();
  loop?.start();
  await new Promise((r) => setTimeout(r, LOOP_MS));
  lag.disable();
  clearInterval(poke);
  await loop?.stop();
  const fps = loop ? loop.frames / (LOOP_MS / 1000) : 0;
  const p99 = lag.percentile(99) / 1e6;
  const t = loop?.lastTiming;
  console.log(
    `${name.padEnd(40)} ${fps.toFixed(1).padStart(5)} fps  event-loop delay p99 ${ms(p99).padStart(10)}  max ${ms(lag.max / 1e6).padStart(10)}${t ? `  last frame: render ${ms(t.renderMs)}, encode ${ms(t.encodeMs)}, transfer ${ms(t.transferMs)}` : ''}`,
  );
  return { p99, fps };
}

async function displayLoop(): Promise<void> {
  let opener: DisplayOpener = new RecordingDisplayOpener();
  let where = 'recording simulator (no Push 2 on USB)';
  try {
    const usb = new UsbDisplayOpener();
    const link = await usb.open();
    if (link) {
      await link.close();
      opener = usb;
      where = 'Push 2 over USB';
    }
  } catch (e) {
    where += `; usb: ${(e as Error).message}`;
  }
  console.log(`\ndisplay loop, ${LOOP_MS / 1000} s, state changing all the time, transfer to: ${where}`);
  const idle = await loopRun('nothing running (reference)', undefined, opener);
  const worker = new WorkerFrameRenderer();
  const trips: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    await worker.render(demoDisplayState(demoSnapshot(), i % 4));
    if (i >= 10) trips.push(performance.now() - t0);
  }
  console.log(line('worker round trip (state in, frame back)', trips));
  const threaded = await loopRun('renderer in a worker (the box)', worker, opener);
  await worker.dispose();
  const inline = await loopRun('renderer inline (reference)', new InlineFrameRenderer(), opener);
  console.log(
    `ratio event-loop delay p99, worker / idle: ${(threaded.p99 / idle.p99).toFixed(2)}   inline / idle: ${(inline.p99 / idle.p99).toFixed(2)}`,
  );
}

async function padLatency(): Promise<void> {
  const surface = new Push2Surface({
    config: PUSH2_SCHEMA.parse({ max_fps: 2 }),
    opener: new RecordingDisplayOpener(),
    renderer: () => new InlineFrameRenderer(),
  });
  const s = await startSimBox({ surfaces: [surface], logLevel: 'warn' });
  const client = s.plug({
    clientName: 'Ableton Push 2',
    inputs: ['Live Port', 'User Port'],
    outputs: ['Live Port', 'User Port'],
    usb: { vendorId: 0x2982, productId: 0x1967, serial: 'B', busPath: '1-1' },
  });
  await s.run(500);
  let flashAt = 0;
  let hitAt = 0;
  let expect = -1;
  s.backend.onSend(`${client}:1:output`, (b) => {
    if (b[0] === 0x90 && b[1] === expect && b[2] === playerIndex(0, 100)) flashAt = performance.now();
  });
  s.box.subscribe((e) => {
    if (e.kind === 'hit') hitAt = performance.now();
  });
  const flash: number[] = [];
  const hit: number[] = [];
  for (let i = 0; i < FRAMES; i++) {
    expect = 36 + (i % 64);
    flashAt = hitAt = 0;
    const t0 = performance.now();
    s.backend.feed(`${client}:1:input`, [0x90, expect, 100]);
    if (flashAt > 0) flash.push((flashAt - t0) * 1000);
    if (hitAt > 0) hit.push((hitAt - t0) * 1000);
    await s.run(60);
  }
  await s.box.stop();
  const us = (v: number): string => `${v.toFixed(1)} µs`;
  console.log(
    `\npad light from a hit (${flash.length} hits, wall time from the pad's bytes to the LED message; the box on virtual time)`,
  );
  console.log(
    `${'pad lit (LED note-on sent)'.padEnd(40)} p50 ${us(pct(flash, 0.5)).padStart(10)}  p99 ${us(pct(flash, 0.99)).padStart(10)}`,
  );
  console.log(
    `${'bus hit event (reference)'.padEnd(40)} p50 ${us(pct(hit, 0.5)).padStart(10)}  p99 ${us(pct(hit, 0.99)).padStart(10)}`,
  );
  console.log(`ratio pad lit / hit event p50: ${(pct(flash, 0.5) / pct(hit, 0.5)).toFixed(2)}`);
}

frameCosts();
await displayLoop();
await padLatency();
process.exit(0);
