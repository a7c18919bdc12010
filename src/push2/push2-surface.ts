import type { BoxEvent } from '../box/bus-types.js';
import type { BoxSurface, SurfaceContext } from '../box/surface.js';
import type { TimerHandle } from '../clock/timers.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import { buttonLights, type ButtonLight } from './button-lights.js';
import type { Push2Config } from './config.js';
import { PANIC_CONFIRM_MS, Push2Controls } from './controls.js';
import type { DisplayOpener } from './display-link.js';
import { DisplayLoop } from './display-loop.js';
import type { FrameRenderer } from './frame-renderer.js';
import { PadLights } from './pad-lights.js';
import { paletteSysex } from './palette.js';
import { PAD_LOW, SYSEX, USB_POWER_LIMITS, externalPowerFromReply } from './protocol.js';
import type { DisplayState } from './render-state.js';

export interface Push2SurfaceOptions {
  readonly config: Push2Config;
  readonly opener: DisplayOpener;
  /** Made when Push 2 first appears (the box's renders in a worker thread). */
  readonly renderer: () => FrameRenderer;
}

/** How often the surface looks for Push 2 coming or going, besides the box's device events. */
const DEVICE_CHECK_MS = 250;

/**
 * Push 2 as the box's face: a BoxSurface that dispatches commands from its encoders and
 * buttons and shows the box's state on its pads, button LEDs and display. Without a Push 2
 * nothing runs; when one is (re)plugged, palette, brightness, lights and display come back
 * within a second (User mode is the device layer's init message).
 */
export class Push2Surface implements BoxSurface {
  readonly name = 'push2';
  #ctx: SurfaceContext | undefined;
  #controls: Push2Controls | undefined;
  #device: ConnectedDevice | undefined;
  #pads: PadLights | undefined;
  #display: DisplayLoop | undefined;
  #renderer: FrameRenderer | undefined;
  #buttons = new Map<number, ButtonLight>();
  #externalPower = false;
  #panicTimer: TimerHandle | undefined;
  /** The display's last frame, kept across replugs so a returning Push 2 shows it at once. */
  readonly #lastFrame: { frame: Uint8Array | undefined } = { frame: undefined };
  readonly #off: (() => void)[] = [];

  constructor(private readonly o: Push2SurfaceOptions) {}

  /** The display loop while Push 2 is attached (the bench and tests read its counters). */
  get display(): DisplayLoop | undefined {
    return this.#display;
  }

  start(ctx: SurfaceContext): void {
    if (!this.o.config.enabled) return;
    this.#ctx = ctx;
    this.#controls = new Push2Controls(() => ctx.bus.snapshot().parameters);
    this.#off.push(
      ctx.bus.subscribe((e) => this.#event(e)),
      ctx.onDeviceMessage((d, t) => this.#message(d, t)),
      ctx.onDevicesChanged(() => this.#sync()),
    );
    const check = ctx.timers.every(DEVICE_CHECK_MS, () => this.#sync());
    this.#off.push(() => check.cancel());
    this.#sync();
  }

  async stop(): Promise<void> {
    for (const off of this.#off.splice(0)) off();
    await this.#detach();
    await this.#renderer?.dispose();
    this.#renderer = undefined;
  }

  /** The display's state now. */
  displayState(): DisplayState | undefined {
    const ctx = this.#ctx;
    const controls = this.#controls;
    return ctx && controls ? { snapshot: ctx.bus.snapshot(), controls: controls.view } : undefined;
  }

  #sync(): void {
    const ctx = this.#ctx;
    if (!ctx) return;
    const push = ctx.devices().find((d) => d.found.profile?.id === 'push2' && d.output !== undefined);
    const same =
      push &&
      this.#device &&
      push.found.instanceKey === this.#device.found.instanceKey &&
      push.attachedAtMs === this.#device.attachedAtMs;
    if (same) {
      this.#device = push;
      return;
    }
    if (this.#device)
      void this.#detach().catch((e: unknown) =>
        ctx.log.warn({ err: (e as Error).message }, 'Push 2: closing after unplug failed'),
      );
    if (push) this.#attach(ctx, push);
  }

  #attach(ctx: SurfaceContext, device: ConnectedDevice): void {
    const controls = this.#controls;
    if (!controls) return;
    this.#device = device;
    this.#externalPower = false;
    ctx.log.info({ device: device.found.identity }, 'Push 2 attached: pads, buttons and display follow the box');
    for (const s of paletteSysex()) this.#sysex(s);
    this.#applyBrightness();
    this.#sysex(SYSEX.requestStatistics());
    this.#buttons.clear();
    this.#pads = new PadLights(ctx, device, this.o.config.send_clock);
    this.#pads.resendAll();
    this.#updateButtons();
    this.#renderer ??= this.o.renderer();
    this.#display = new DisplayLoop({
      timers: ctx.timers,
      now: ctx.now,
      log: ctx.log,
      opener: this.o.opener,
      renderer: this.#renderer,
      maxFps: this.o.config.max_fps,
      lastFrame: this.#lastFrame,
      state: () => ({ snapshot: ctx.bus.snapshot(), controls: controls.view }),
    });
    this.#display.start();
  }

  async #detach(): Promise<void> {
    this.#pads?.stop();
    this.#pads = undefined;
    this.#panicTimer?.cancel();
    const display = this.#display;
    this.#display = undefined;
    if (this.#device) this.#ctx?.log.info('Push 2 gone: its lights and display stop');
    this.#device = undefined;
    await display?.stop();
  }

  #applyBrightness(): void {
    const { led_brightness, display_brightness } = this.o.config;
    const usbOnly = !this.#externalPower;
    this.#sysex(SYSEX.ledBrightness(usbOnly ? Math.min(led_brightness, USB_POWER_LIMITS.led) : led_brightness));
    this.#sysex(
      SYSEX.displayBrightness(usbOnly ? Math.min(display_brightness, USB_POWER_LIMITS.display) : display_brightness),
    );
  }

  #event(e: BoxEvent): void {
    if (!this.#device || !this.#ctx) return;
    const pads = this.#pads;
    switch (e.kind) {
      case 'beat': {
        const snap = this.#ctx.bus.snapshot();
        pads?.beat(e.bar, e.beat, e.atMs, snap.clock.tempo, snap.lastExchange?.stepsPerBar ?? 16);
        return;
      }
      case 'hit':
        // Push 2's own pads are lit from their message (the flash); every input joins the grid.
        pads?.hit(e.hit.pitch, e.hit.velocity, e.hit.atMs);
        return;
      case 'exchange':
        pads?.exchange(
          e.exchange,
          this.#ctx.bus.snapshot().parameters.voices.map((v) => v.name),
        );
        break;
      case 'engine':
        pads?.engine(e.state === 'responding');
        this.#updateButtons();
        break;
      case 'transport':
        this.#updateButtons();
        break;
      default:
        break;
    }
    this.#display?.invalidate();
  }

  #message(device: ConnectedDevice, t: TimedMidiMessage): void {
    if (!this.#device || device.found.instanceKey !== this.#device.found.instanceKey || !this.#ctx || !this.#controls)
      return;
    const m = t.message;
    if (m.type === 'noteOn' && m.velocity > 0 && m.note >= PAD_LOW) {
      this.#pads?.flash(m.note, m.velocity);
      return;
    }
    if (m.type === 'sysex') {
      const external = externalPowerFromReply(m.data);
      if (external !== undefined && external !== this.#externalPower) {
        this.#externalPower = external;
        this.#applyBrightness();
      }
      return;
    }
    const { commands, changed } = this.#controls.handle(m, this.#ctx.now());
    for (const c of commands) this.#ctx.bus.dispatch(c);
    if (changed) {
      this.#display?.invalidate();
      this.#updateButtons();
      this.#armPanicExpiry();
    }
  }

  #armPanicExpiry(): void {
    this.#panicTimer?.cancel();
    if (this.#controls?.view.panicArmedUntil === undefined || !this.#ctx) return;
    this.#panicTimer = this.#ctx.timers.after(PANIC_CONFIRM_MS, () => {
      if (this.#ctx && this.#controls?.expire(this.#ctx.now())) {
        this.#updateButtons();
        this.#display?.invalidate();
      }
    });
  }

  #updateButtons(): void {
    if (!this.#controls || !this.#ctx) return;
    for (const l of buttonLights(this.#controls.view, this.#ctx.bus.snapshot())) {
      const shown = this.#buttons.get(l.cc);
      if (shown && shown.value === l.value && shown.channel === l.channel) continue;
      if (this.#send({ type: 'controlChange', channel: l.channel, controller: l.cc, value: l.value }))
        this.#buttons.set(l.cc, l);
    }
  }

  #sysex(bytes: readonly number[]): void {
    this.#send({ type: 'sysex', data: Uint8Array.from(bytes.slice(1, -1)) });
  }

  #send(m: MidiMessage): boolean {
    return this.#device !== undefined && this.#ctx !== undefined && this.#ctx.sendToDevice(this.#device, m);
  }
}
