import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Box } from '../../src/box/box.js';
import type { BoxEvent } from '../../src/box/bus-types.js';
import { Scheduler } from '../../src/clock/scheduler.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { SpinWakeup } from '../../src/clock/wakeup.js';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import type { MidiMessage } from '../../src/midi/message.js';
import type { DisplayLink, DisplayOpener } from '../../src/push2/display-link.js';
import { decodeFrame, quantize565 } from '../../src/push2/frame.js';
import { GREEN_INDEX, PLAYHEAD_INDEX } from '../../src/push2/palette.js';
import { ANIMATION, BUTTON } from '../../src/push2/protocol.js';
import { renderFrame, type FrameRenderer, type RenderedFrame } from '../../src/push2/frame-renderer.js';
import { Push2Surface } from '../../src/push2/push2-surface.js';
import type { DisplayState } from '../../src/push2/render-state.js';
import { renderDisplay } from '../../src/push2/render.js';
import { UsbDisplayOpener } from '../../src/push2/usb-display.js';
import { openHardware } from '../../src/system/hardware.js';
import { resolveConfig } from '../../src/system/config.js';
import { loadVoiceModel } from '../../src/voices/voice-models.js';
import { displayLinkContract } from '../contract/display-link.contract.js';
import { Push2Gadget } from './push2-gadget.js';
import type { RawMidiDevice } from './support/rawmidi.js';
import { startUdevd } from './support/udev.js';
import { sleep, waitFor } from './support/wait.js';

/**
 * Push 2 as the box's face on real kernel devices: a composite gadget with Push 2's USB
 * identity (FunctionFS display interface 0 + f_midi) on dummy_hcd, the box in this process
 * on real time with the real `usb` display link. The emulated VM is slow, so waits are long;
 * the times measured are printed, not asserted against the real-hardware targets.
 */
const USER_MODE = [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7];
const SIXTEENTH_MS = 125;

/** Everything the box sent Push 2's User port, decoded, with when it arrived. */
class UserPortReader {
  readonly messages: { atMs: number; m: MidiMessage }[] = [];
  readonly raw: number[] = [];
  readonly #decoder = new MidiStreamDecoder();
  #timer: NodeJS.Timeout | undefined;

  constructor(private port: RawMidiDevice | undefined) {
    this.#timer = setInterval(() => this.poll(), 5);
  }

  /** The gadget was replugged (its ports are new), or unplugged (undefined). */
  switchTo(port: RawMidiDevice | undefined): void {
    this.port = port;
  }

  poll(): void {
    const bytes = this.port?.take() ?? [];
    if (bytes.length === 0) return;
    this.raw.push(...bytes);
    const atMs = performance.now();
    this.#decoder.feed(Uint8Array.from(bytes), (m) => this.messages.push({ atMs, m }));
  }

  /** Pad LED messages (the answer's own notes, on channel 10, are not LEDs). */
  padLights(since = 0): { note: number; index: number }[] {
    return this.messages
      .slice(since)
      .flatMap(({ m }) =>
        m.type === 'noteOn' && m.channel !== 9 && m.note >= 36 && m.note <= 99
          ? [{ note: m.note, index: m.velocity }]
          : [],
      );
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Keeps each frame the surface rendered, with its state, so a captured frame can be traced back. */
class KeepingRenderer implements FrameRenderer {
  readonly rendered: { state: DisplayState; frame: Uint8Array }[] = [];
  async render(state: DisplayState): Promise<RenderedFrame> {
    await Promise.resolve();
    const r = renderFrame(state);
    this.rendered.push({ state, frame: r.frame });
    if (this.rendered.length > 200) this.rendered.shift();
    return r;
  }
  async dispose(): Promise<void> {
    await Promise.resolve();
  }
}

let gadget: Push2Gadget;

beforeAll(async () => {
  await startUdevd();
  gadget = await Push2Gadget.create();
  gadget.plug();
});

afterAll(async () => {
  await gadget?.remove();
});

describe("DisplayLink contract: usb to a FunctionFS gadget with Push 2's identity", () => {
  const seen = new Map<DisplayLink, number>();
  displayLinkContract({
    open: async () => {
      gadget.plug();
      const link = await waitFor(async () => new UsbDisplayOpener().open(), {
        what: 'Push 2 display on USB',
        timeoutMs: 30_000,
      });
      seen.set(link, gadget.frames().length);
      return link;
    },
    unplug: async () => {
      gadget.unplug();
      await sleep(500);
    },
    received: async (link) => {
      const from = seen.get(link) ?? 0;
      await waitFor(() => gadget.frames().length >= from + 2, { what: 'two frames captured', timeoutMs: 20_000 });
      return gadget
        .frames()
        .slice(from)
        .map((f) => gadget.frame(f));
    },
  });
});

describe('Push 2 surface on a box with a Push 2 gadget', () => {
  let box: Box;
  let surface: Push2Surface;
  let reader: UserPortReader;
  let user: RawMidiDevice;
  const renderer = new KeepingRenderer();
  const events: BoxEvent[] = [];
  let scheduler: Scheduler;

  beforeAll(async () => {
    gadget.plug();
    const ports = await gadget.openPorts();
    user = ports[1] as RawMidiDevice;
    reader = new UserPortReader(user);
    const log = pino({ level: 'warn' });
    const { config } = resolveConfig(
      {
        data: { dir: mkdtempSync(join(tmpdir(), 'p2box-')) },
        din: { enabled: false },
        devices: { ignore: ['f_midi'] },
        push2: { max_fps: 10 },
      },
      'vm.toml',
    );
    scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
    const offset = hrtimeClock.nowMs() - performance.now();
    const opener: DisplayOpener = new UsbDisplayOpener();
    surface = new Push2Surface({ config: config.push2, opener, renderer: () => renderer });
    box = new Box({
      hardware: openHardware(),
      scheduler,
      config,
      log,
      seed: 5,
      outputThreads: 'none',
      loadModel: (name, seed, placeholder) => loadVoiceModel(name, log, seed, 'inline', placeholder),
      inputToSchedulerMs: (t) => t + offset,
      surfaces: [surface],
    });
    box.subscribe((e) => events.push(e));
    await box.start();
  });

  afterAll(async () => {
    reader?.stop();
    await box?.stop();
    scheduler?.dispose();
  });

  it('switches Push 2 to User mode and lights all 64 pads', async () => {
    await waitFor(
      () => reader.raw.length >= USER_MODE.length && reader.raw.slice(0, USER_MODE.length).join() === USER_MODE.join(),
      { what: 'User mode sysex', timeoutMs: 30_000 },
    );
    await waitFor(() => new Set(reader.padLights().map((l) => l.note)).size === 64, {
      what: '64 pads lit',
      timeoutMs: 30_000,
    });
  });

  it('lights the pads for a call (human colour) and its answer (voice A colour)', async () => {
    const from = reader.messages.length;
    for (let step = 0; step < 32; step++) {
      const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
      for (const n of notes) user.write([0x90, n, 100]);
      await sleep(SIXTEENTH_MS / 2);
      for (const n of notes) user.write([0x80, n, 0]);
      await sleep(SIXTEENTH_MS / 2);
    }
    expect(reader.padLights(from).some((l) => l.index >= 1 && l.index <= 4)).toBe(true);
    await waitFor(() => events.some((e) => e.kind === 'exchange'), { what: 'the answer', timeoutMs: 60_000 });
    await waitFor(() => reader.padLights(from).some((l) => l.index >= 5 && l.index <= 8), {
      what: 'pads in voice A colour',
      timeoutMs: 30_000,
    });
  });

  it('turns an encoder: relative CC from Push 2 changes the parameter on the bus', async () => {
    const before = Number(box.snapshot().parameters.voices[0]?.values['temperature']);
    user.write([0xb0, 71, 2]);
    await waitFor(
      () => events.some((e) => e.kind === 'parameter' && e.change.param === 'temperature' && e.source === 'push2'),
      { what: 'temperature change from push2', timeoutMs: 20_000 },
    );
    expect(Number(box.snapshot().parameters.voices[0]?.values['temperature'])).toBeCloseTo(before + 0.1);
  });

  it('Play stops the box (its LED goes dim) and starts it again (pulsing green)', async () => {
    const from = reader.messages.length;
    const playLed = (): string | undefined =>
      reader.messages
        .slice(from)
        .flatMap(({ m }) =>
          m.type === 'controlChange' && m.controller === BUTTON.play ? [`${m.channel}:${m.value}`] : [],
        )
        .at(-1);
    const press = (): void => {
      user.write([0xb0, BUTTON.play, 127]);
      user.write([0xb0, BUTTON.play, 0]);
    };
    press();
    await waitFor(() => !box.snapshot().transport.playing, { what: 'the box stopped by Play', timeoutMs: 20_000 });
    await waitFor(() => playLed() === `${ANIMATION.static}:${PLAYHEAD_INDEX}`, { what: 'Play dim', timeoutMs: 20_000 });
    press();
    await waitFor(() => box.snapshot().transport.playing, { what: 'the box playing again', timeoutMs: 20_000 });
    await waitFor(() => playLed() === `${ANIMATION.pulseQuarter}:${GREEN_INDEX}`, {
      what: 'Play pulsing green',
      timeoutMs: 20_000,
    });
  });

  it("sends display frames that arrive byte for byte and decode to the renderer's image", async () => {
    const from = gadget.frames().length;
    await waitFor(() => gadget.frames().length >= from + 3, {
      what: 'three display frames captured',
      timeoutMs: 30_000,
    });
    const file = gadget.frames()[gadget.frames().length - 1] ?? '';
    const captured = gadget.frame(file);
    const match = renderer.rendered.find((r) => Buffer.from(r.frame).equals(Buffer.from(captured)));
    expect(match, 'the captured frame is one the surface rendered').toBeDefined();
    if (!match) return;
    expect(
      Buffer.from(decodeFrame(captured).data).equals(Buffer.from(quantize565(renderDisplay(match.state)).data)),
    ).toBe(true);
  });

  it('after unplug and replug: User mode, pads and display come back', async () => {
    reader.switchTo(undefined);
    gadget.unplug();
    await waitFor(() => !box.devices.manager.devices().some((d) => d.found.profile?.id === 'push2'), {
      what: 'Push 2 gone from the box',
      timeoutMs: 30_000,
    });
    const framesBefore = gadget.frames().length;
    const t0 = performance.now();
    gadget.plug();
    const ports = await gadget.openPorts();
    user = ports[1] as RawMidiDevice;
    reader.switchTo(user);
    const from = reader.messages.length;
    const rawFrom = reader.raw.length;
    await waitFor(() => reader.raw.slice(rawFrom, rawFrom + USER_MODE.length).join() === USER_MODE.join(), {
      what: 'User mode again',
      timeoutMs: 60_000,
    });
    const userMode = performance.now() - t0;
    await waitFor(() => new Set(reader.padLights(from).map((l) => l.note)).size === 64, {
      what: '64 pads lit again',
      timeoutMs: 30_000,
    });
    const pads = performance.now() - t0;
    await waitFor(() => gadget.frames().length > framesBefore, {
      what: 'a display frame after replug',
      timeoutMs: 30_000,
    });
    const display = performance.now() - t0;
    process.stdout.write(
      `push2 replug (emulated VM): User mode ${userMode.toFixed(0)} ms, pads ${pads.toFixed(0)} ms, display ${display.toFixed(0)} ms after plug\n`,
    );
    // The encoders work again: encoder 1 drives temperature A.
    const before = events.length;
    user.write([0xb0, 71, 1]);
    await waitFor(() => events.slice(before).some((e) => e.kind === 'parameter' && e.change.param === 'temperature'), {
      what: 'encoder after replug reaches the bus',
      timeoutMs: 20_000,
    });
  });
});
