import { join } from 'node:path';
import type { BoxEvent } from '../box/bus-types.js';
import type { BoxSurface, SurfaceContext } from '../box/surface.js';
import type { TimerHandle, Timers } from '../clock/timers.js';
import type { CcTarget } from '../control/cc-map.js';
import { Ads1115 } from './ads1115.js';
import { ChipLink } from './chip-link.js';
import { PanelController, describeTarget } from './panel-controller.js';
import type { PanelConfig } from './panel-config.js';
import type { PanelHardware } from './panel-hardware.js';
import { emptyReadings, evdevRouter, pollPots, startEvdev, watchGpio, type ControlReadings } from './panel-inputs.js';
import { Pca9685Led } from './led-sinks.js';
import { reportPanelParts, panelParts } from './panel-found.js';
import { PanelLeds, openLedSinks } from './panel-leds.js';
import { PanelSettingsKeeper } from './panel-settings.js';
import { Pca9685 } from './pca9685.js';

export const SETTINGS_FILE = 'panel-settings.json';

export interface PanelSurfaceOptions {
  readonly config: PanelConfig;
  /** config.data.dir: where panel-settings.json lives. */
  readonly dataDir: string;
  /** The seams, opened when the surface starts (with the box's timers). */
  readonly hardware: (timers: Timers) => PanelHardware;
}

/** What `antiphon panel` shows. */
export interface PanelStatus {
  readonly readings: ControlReadings;
  readonly leds: ReadonlyMap<string, number>;
  readonly shift: boolean;
  readonly learning: boolean;
  readonly learnCc: number | undefined;
  readonly inputDevices: readonly string[];
  readonly chips: readonly { readonly name: string; readonly up: boolean }[];
  readonly lastAction: string;
  readonly potsEngaged: ReadonlyMap<string, boolean>;
}

/**
 * The box's own panel: encoders, pots, buttons and LEDs, as a BoxSurface. Every control
 * writes a registered parameter through the bus (source 'panel'), every LED is a bus
 * subscriber, learned CCs and parameter values survive power-off in the data directory.
 */
export class PanelSurface implements BoxSurface {
  readonly name = 'panel';
  readonly #opts: PanelSurfaceOptions;
  readonly readings = emptyReadings();
  #ctx: SurfaceContext | undefined;
  #hw: PanelHardware | undefined;
  #controller: PanelController | undefined;
  #leds: PanelLeds | undefined;
  #settings: PanelSettingsKeeper | undefined;
  #links: ChipLink[] = [];
  #handles: TimerHandle[] = [];
  #gestureTimer: TimerHandle | undefined;
  #debounces = new Set<TimerHandle>();
  #unsubscribe: (() => void)[] = [];

  constructor(opts: PanelSurfaceOptions) {
    this.#opts = opts;
  }

  async start(ctx: SurfaceContext): Promise<void> {
    this.#ctx = ctx;
    const { config } = this.#opts;
    this.#settings = new PanelSettingsKeeper(join(this.#opts.dataDir, SETTINGS_FILE), ctx);
    await this.#settings.restore();
    const hw = this.#opts.hardware(ctx.timers);
    this.#hw = hw;
    // "auto": parts a box may simply not have are not warnings; one line below says what was found.
    const loud = config.enabled === true;
    for (const m of hw.missing)
      if (loud) ctx.log.warn({ part: m }, 'panel part unavailable; the rest of the panel works');
    const controller = new PanelController(config, {
      dispatch: (c) => ctx.bus.dispatch(c),
      snapshot: () => ctx.bus.snapshot(),
      log: ctx.log,
      learned: (cc, target) => this.#learned(cc, target),
      learningChanged: (on) => this.#leds?.setLearning(on),
    });
    this.#controller = controller;

    const pwm = await this.#openPwm(hw, loud);
    const sinks = openLedSinks(config, hw, pwm, ctx, !loud);
    this.#leds = new PanelLeds(config, sinks, ctx);
    // Problems from before the panel started (config, settings, models) blink too.
    for (const problem of ctx.bus.snapshot().problems) this.#leds.event({ kind: 'problem', problem });
    this.#unsubscribe.push(ctx.bus.subscribe((e) => this.#event(e)));
    this.#unsubscribe.push(
      ctx.onDeviceMessage((_d, t) => t.message.type === 'controlChange' && controller.ccSeen(t.message.controller)),
    );

    const afterInput = (): void => this.#armGestures();
    if (hw.input) startEvdev(hw.input, evdevRouter(config, controller, this.readings, ctx.now), ctx.log, afterInput);
    if (hw.gpio) this.#debounces = watchGpio(config, hw.gpio, controller, this.readings, ctx, afterInput);
    if (hw.i2c && config.ads1115_address !== 0 && config.pots.length > 0) {
      const adc = new Ads1115(
        hw.i2c,
        config.ads1115_address,
        (ms) => new Promise((resolve) => ctx.timers.after(ms, resolve)),
      );
      const link = new ChipLink(
        `ADS1115 0x${config.ads1115_address.toString(16)} on i2c-${hw.i2c.busNumber}`,
        async () => void (await adc.probe()),
        { log: ctx.log, timers: ctx.timers, retryMs: config.retry_ms, quietUntilFound: !loud },
      );
      this.#links.push(link);
      await link.start();
      this.#handles.push(pollPots(config, adc, link, controller, this.readings, ctx));
    }
    const ledsLit = sinks.filter((l) => !(l instanceof Pca9685Led) || pwm?.link.up).map((l) => l.id);
    reportPanelParts(ctx.log, config, hw, panelParts(hw, this.status().chips, ledsLit));
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    for (const h of this.#handles.splice(0)) h.cancel();
    this.#gestureTimer?.cancel();
    for (const h of this.#debounces) h.cancel();
    this.#hw?.input?.stop();
    this.#leds?.stop();
    await this.#settings?.flush();
    for (const l of this.#links) l.stop();
    this.#hw?.gpio?.close();
    await this.#hw?.i2c?.close();
  }

  status(): PanelStatus {
    const c = this.#controller;
    return {
      readings: this.readings,
      leds: this.#leds?.levels() ?? new Map(),
      shift: c?.shift ?? false,
      learning: c?.learning ?? false,
      learnCc: c?.learnCc,
      inputDevices: this.#hw?.input?.devices() ?? [],
      chips: this.#links.map((l) => ({ name: l.name, up: l.up })),
      lastAction: c?.lastAction ?? '',
      potsEngaged: new Map(this.#opts.config.pots.map((p) => [p.id, c?.potEngaged(p.id) ?? false])),
    };
  }

  /** The beat LED's draw times against the beats' scheduled times (bench). */
  get beatDrawn(): readonly { scheduledMs: number; drawnMs: number }[] {
    return this.#leds?.beatDrawn ?? [];
  }

  async #openPwm(hw: PanelHardware, loud: boolean): Promise<{ chip: Pca9685; link: ChipLink } | undefined> {
    const { config } = this.#opts;
    const ctx = this.#ctx;
    if (!ctx || !hw.i2c || config.pca9685_address === 0 || !config.leds.some((l) => l.pca9685 !== undefined))
      return undefined;
    const chip = new Pca9685(hw.i2c, config.pca9685_address);
    const link = new ChipLink(
      `PCA9685 0x${config.pca9685_address.toString(16)} on i2c-${hw.i2c.busNumber}`,
      () => chip.init(),
      { log: ctx.log, timers: ctx.timers, retryMs: config.retry_ms, quietUntilFound: !loud },
    );
    this.#links.push(link);
    await link.start();
    return { chip, link };
  }

  #event(e: BoxEvent): void {
    this.#leds?.event(e);
    if (e.kind === 'parameter') {
      this.#controller?.parameterChanged(e.change, e.source);
      if (e.source !== 'settings') this.#settings?.changed(e.change);
    }
    if (e.kind === 'command' && 'param' in e.command && (e.command.source === 'web' || e.command.source === 'push2')) {
      this.#controller?.parameterChosen({
        param: e.command.param,
        ...(e.command.voice === undefined ? {} : { voice: e.command.voice }),
      });
    }
  }

  #learned(cc: number, target: CcTarget): void {
    this.#ctx?.learnCc(cc, target);
    this.#ctx?.log.info({ cc, target: describeTarget(target) }, 'MIDI-learn: CC mapped');
    this.#settings?.learned(cc, target);
  }

  /** Long-presses and pending single presses fire on a timer at the controller's next deadline. */
  #armGestures(): void {
    const ctx = this.#ctx;
    const c = this.#controller;
    if (!ctx || !c) return;
    this.#gestureTimer?.cancel();
    const next = c.nextDeadline();
    if (next === undefined) return;
    this.#gestureTimer = ctx.timers.after(Math.max(0, next - ctx.now()), () => {
      c.due(ctx.now());
      this.#armGestures();
    });
  }
}
