import { afterEach, describe, expect, it } from 'vitest';
import { PUSH2_SCHEMA } from '../../src/push2/config.js';
import { RecordingDisplayOpener } from '../../src/push2/display-link.js';
import { decodeFrame, quantize565 } from '../../src/push2/frame.js';
import { InlineFrameRenderer } from '../../src/push2/frame-renderer.js';
import { differingShare } from '../../src/push2/image.js';
import { PLAYHEAD_INDEX, playerIndex } from '../../src/push2/palette.js';
import { BUTTON, padNote } from '../../src/push2/protocol.js';
import { Push2Surface } from '../../src/push2/push2-surface.js';
import { renderDisplay } from '../../src/push2/render.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';

const PUSH2 = {
  clientName: 'Ableton Push 2',
  inputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
  outputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
  usb: { vendorId: 0x2982, productId: 0x1967, serial: 'P2-SIM', busPath: '1-4' },
} as const;
const USER_MODE = [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7];
const BAR_MS = 2000;

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

interface Sent {
  readonly atMs: number;
  readonly bytes: number[];
}

async function boxWithPush(config: Record<string, unknown> = {}) {
  const opener = new RecordingDisplayOpener();
  const surface = new Push2Surface({
    config: PUSH2_SCHEMA.parse(config),
    opener,
    renderer: () => new InlineFrameRenderer(),
  });
  const s = await startSimBox({ surfaces: [surface] });
  sim = s;
  const sent: Sent[] = [];
  const plug = async (): Promise<number> => {
    const client = s.plug(PUSH2);
    s.backend.onSend(`${client}:1:output`, (bytes) => sent.push({ atMs: s.clock.nowMs(), bytes: [...bytes] }));
    await s.run(400);
    return client;
  };
  const client = await plug();
  const user = `${client}:1:input`;
  return { s, surface, opener, sent, client, user, plug };
}

/** Pad LED messages: note-ons on the animation channels the surface uses (0 static, 8 pulse); the answer's own notes go out on channel 10. */
const padLights = (sent: readonly Sent[]): Sent[] =>
  sent.filter(
    (m) => (m.bytes[0] === 0x90 || m.bytes[0] === 0x98) && (m.bytes[1] ?? 0) >= 36 && (m.bytes[1] ?? 0) <= 99,
  );
const startsWith = (bytes: readonly number[], head: readonly number[]): boolean => head.every((b, i) => bytes[i] === b);

describe('Push 2 surface on a whole box (virtual time)', () => {
  it('enters User mode, uploads the palette, keeps brightness to the USB-power limit, and lights buttons and pads', async () => {
    const { sent } = await boxWithPush();
    expect(sent[0]?.bytes).toEqual(USER_MODE);
    expect(sent.some((m) => startsWith(m.bytes, [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x03]))).toBe(true);
    expect(sent.find((m) => startsWith(m.bytes, [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x06]))?.bytes[7]).toBe(8);
    expect(sent.some((m) => m.bytes[0] === 0xb0 && m.bytes[1] === BUTTON.shift)).toBe(true);
    expect(new Set(padLights(sent).map((m) => m.bytes[1])).size).toBe(64);
  });

  it('raises LED brightness when Push 2 reports its external power supply', async () => {
    const { s, sent, user } = await boxWithPush({ led_brightness: 100 });
    s.backend.feed(user, [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x1a, 0x01, 0x00, 0x3f, 0x07, 0x00, 0x00, 0x00, 0xf7]);
    await s.run(10);
    const brightness = sent
      .filter((m) => startsWith(m.bytes, [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x06]))
      .map((m) => m.bytes[7]);
    expect(brightness).toEqual([8, 100]);
  });

  it('lights a hit pad at once, then shows the call on the grid and the answer in the voice colour', async () => {
    const { s, sent, user } = await boxWithPush();
    const before = sent.length;
    s.backend.feed(user, [0x90, 38, 120]);
    // The flash goes out within the same turn of the event loop as the hit.
    const flash = sent.slice(before).find((m) => m.bytes[1] === 38);
    expect(flash?.bytes).toEqual([0x90, 38, playerIndex(0, 120)]);
    expect(flash?.atMs).toBe(s.clock.nowMs());
    // A two-bar backbeat, then wait for the answer.
    for (let step = 0; step < 32; step++) {
      const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
      for (const n of notes) s.backend.feed(user, [0x90, n, 100]);
      await s.run(BAR_MS / 16);
    }
    const humanIndexes = new Set([1, 2, 3, 4].map((l) => l));
    expect(padLights(sent).some((m) => humanIndexes.has(m.bytes[2] ?? 0) && m.bytes[1] === padNote(7, 0))).toBe(true); // a kick in the bottom row
    const exchangeAt = (): number | undefined => s.events.find((e) => e.kind === 'exchange') && s.clock.nowMs();
    for (let i = 0; i < 20 && exchangeAt() === undefined; i++) await s.run(500);
    expect(exchangeAt()).toBeDefined();
    const from = sent.length;
    await s.run(BAR_MS);
    const voiceA = new Set([5, 6, 7, 8]);
    expect(padLights(sent.slice(from)).some((m) => voiceA.has(m.bytes[2] ?? 0))).toBe(true);
    expect(padLights(sent.slice(from)).some((m) => m.bytes[2] === PLAYHEAD_INDEX)).toBe(true);
  });

  it('sends MIDI clock, 24 a beat', async () => {
    const { s, sent } = await boxWithPush();
    await s.run(1000);
    const from = s.clock.nowMs();
    await s.run(BAR_MS);
    const clocks = sent.filter((m) => m.bytes[0] === 0xf8 && m.atMs > from).map((m) => m.atMs);
    expect(clocks.length).toBeGreaterThanOrEqual(4 * 24 - 1);
    expect(clocks.length).toBeLessThanOrEqual(4 * 24 + 1);
    // Evenly spaced at 120 BPM: 500 / 24 ms apart (within the 5 ms slices the test moves time in).
    const gaps = clocks.slice(1).map((t, i) => t - (clocks[i] ?? t));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(5);
  });

  it('turns an encoder into a parameter change on the bus, and a page button moves the encoders', async () => {
    const { s, user } = await boxWithPush();
    const before = Number(s.box.snapshot().parameters.voices[0]?.values['temperature']);
    s.backend.feed(user, [0xb0, 71, 3]);
    await s.run(10);
    expect(s.box.snapshot().parameters.voices[0]?.values['temperature']).toBeCloseTo(before + 0.15);
    s.backend.feed(user, [0xb0, 22, 127]);
    s.backend.feed(user, [0xb0, 78, 5]); // page 3, encoder 8: volume
    await s.run(10);
    expect(s.box.snapshot().parameters.global['volume']).toBe(105);
    const change = s.events.find((e) => e.kind === 'parameter' && e.change.param === 'volume');
    expect(change).toMatchObject({ source: 'push2' });
  });

  it("feeds the display: frames that decode to the renderer's image, at least every second, at most max_fps", async () => {
    const { s, surface, opener } = await boxWithPush({ max_fps: 10 });
    await s.run(3000);
    const link = opener.current;
    if (!link) throw new Error('no display opened');
    const frames = link.frames.length;
    expect(frames).toBeGreaterThanOrEqual(3);
    expect(frames).toBeLessThanOrEqual(31);
    const state = surface.displayState();
    if (!state) throw new Error('no display state');
    const last = link.frames[link.frames.length - 1];
    if (!last) throw new Error('no frame');
    expect(differingShare(decodeFrame(last), quantize565(renderDisplay(state)), 0)).toBeLessThan(0.02);
    // Nothing changes: still a frame at least every second.
    const n = link.frames.length;
    await s.run(2000);
    expect(link.frames.length - n).toBeGreaterThanOrEqual(2);
  });

  it('logs a failed transfer once, retries, and the music goes on', async () => {
    const { s, opener, user } = await boxWithPush();
    await s.run(200);
    const link = opener.current;
    if (!link) throw new Error('no display opened');
    link.failNext = 5;
    await s.run(100);
    s.backend.feed(user, [0x90, 36, 100]);
    await s.run(3000);
    const warnings = s.logs.filter((l) => String(l['msg']).includes('display transfer failed'));
    expect(warnings).toHaveLength(1);
    expect(opener.links.length).toBeGreaterThanOrEqual(2);
    expect(opener.current?.frames.length).toBeGreaterThan(0);
    expect(s.events.some((e) => e.kind === 'hit')).toBe(true);
  });

  it('after a replug: User mode, palette, pads and display come back within a second', async () => {
    const { s, sent, opener, client, plug } = await boxWithPush();
    s.unplug(client);
    await s.run(1000);
    expect(opener.links.every((l) => l.closed)).toBe(true);
    sent.length = 0;
    const opensBefore = opener.links.length;
    const t0 = s.clock.nowMs();
    await plug();
    await s.run(600);
    expect(sent[0]?.bytes).toEqual(USER_MODE);
    expect(sent.some((m) => startsWith(m.bytes, [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x05]))).toBe(true);
    expect(new Set(padLights(sent).map((m) => m.bytes[1])).size).toBe(64);
    const relinked = opener.links.slice(opensBefore);
    expect(relinked.some((l) => l.frames.length > 0)).toBe(true);
    expect(s.clock.nowMs() - t0).toBeLessThanOrEqual(1000);
  });

  it('without a Push 2 nothing runs and nothing errors', async () => {
    const opener = new RecordingDisplayOpener();
    const surface = new Push2Surface({
      config: PUSH2_SCHEMA.parse({}),
      opener,
      renderer: () => new InlineFrameRenderer(),
    });
    const s = await startSimBox({ surfaces: [surface] });
    sim = s;
    await s.run(3000);
    expect(opener.opens).toBe(0);
    expect(surface.display).toBeUndefined();
    expect(s.logs.filter((l) => Number(l['level']) >= 40 && String(l['msg']).toLowerCase().includes('push'))).toEqual(
      [],
    );
  });
});
