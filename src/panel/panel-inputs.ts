import type { SurfaceContext } from '../box/surface.js';
import type { TimerHandle } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { Ads1115, rawToPosition } from './ads1115.js';
import type { ChipLink } from './chip-link.js';
import { EV_KEY, EV_REL, type InputEvent } from './evdev-records.js';
import { EvdevResync, type ResyncOutput } from './evdev-resync.js';
import type { GpioLines } from './gpio-lines.js';
import type { InputEventSource } from './input-source.js';
import type { PanelConfig } from './panel-config.js';
import type { PanelController } from './panel-controller.js';
import { PotFilter } from './pot-filter.js';
import { Debouncer, QuadratureDecoder } from './quadrature.js';

/** The last raw state of every control, for `antiphon panel` and the bench. */
export interface ControlReadings {
  readonly encoders: Map<string, number>;
  readonly buttons: Map<string, boolean>;
  readonly pots: Map<string, number>;
  /** When the last input reached the controller (box ms), with the kernel's stamp when it has one. */
  last: { readonly control: string; readonly atMs: number; readonly kernelMs?: number } | undefined;
}

export const emptyReadings = (): ControlReadings => ({
  encoders: new Map(),
  buttons: new Map(),
  pots: new Map(),
  last: undefined,
});

/** Routes kernel input events to the controller, per device through `EvdevResync`. */
export interface EvdevRouter {
  event(device: string, e: InputEvent): void;
  /** The device went away: its held keys are released without action. */
  gone(device: string): void;
  /** Buffer overruns (SYN_DROPPED) seen, all devices together. */
  readonly drops: number;
}

/** Routes kernel input events to the controller: EV_REL by axis to encoders, EV_KEY by code to buttons and pushes. */
export function evdevRouter(
  config: PanelConfig,
  controller: PanelController,
  readings: ControlReadings,
  now: () => number,
): EvdevRouter {
  const byAxis = new Map(config.encoders.map((e) => [e.axis, e.id]));
  const byKey = new Map<number, string>([
    ...config.buttons.map((b) => [b.code, b.id] as const),
    ...config.encoders.flatMap((e) => (e.push_code === undefined ? [] : [[e.push_code, `${e.id}.push`] as const])),
  ]);
  const resyncs = new Map<string, EvdevResync>();
  const act = (out: ResyncOutput): void => {
    if (out.kind === 'lost') {
      const id = byKey.get(out.code);
      if (id === undefined) return;
      readings.buttons.set(id, false);
      controller.buttonLost(id);
      return;
    }
    const e = out.event;
    if (e.type === EV_REL) {
      const id = byAxis.get(e.code);
      if (id === undefined) return;
      readings.encoders.set(id, (readings.encoders.get(id) ?? 0) + e.value);
      readings.last = { control: id, atMs: now(), kernelMs: e.timeMs };
      // The kernel's stamp times the detents: a batch read at once still accelerates right.
      controller.encoder(id, e.value, e.timeMs);
    } else if (e.type === EV_KEY && e.value !== 2) {
      const id = byKey.get(e.code);
      if (id === undefined) return;
      readings.buttons.set(id, e.value === 1);
      readings.last = { control: id, atMs: now(), kernelMs: e.timeMs };
      controller.button(id, e.value === 1, now());
    }
  };
  return {
    event(device, e) {
      let r = resyncs.get(device);
      if (!r) resyncs.set(device, (r = new EvdevResync()));
      for (const out of r.push(e)) act(out);
    },
    gone(device) {
      for (const out of resyncs.get(device)?.gone(now()) ?? []) act(out);
      resyncs.delete(device);
    },
    get drops() {
      return [...resyncs.values()].reduce((n, r) => n + r.drops, 0);
    },
  };
}

/** Starts the kernel's input devices into the router; an overrun or a device gone is logged. */
export function startEvdev(input: InputEventSource, route: EvdevRouter, log: Logger, afterInput: () => void): void {
  input.start(
    (device, e) => {
      const drops = route.drops;
      route.event(device, e);
      if (route.drops > drops)
        log.warn({ device, drops: route.drops }, 'panel input events dropped (reader fell behind); keys released');
      afterInput();
    },
    (device, reason) => {
      route.gone(device);
      afterInput();
      log.warn({ device, reason }, 'panel input device gone; looking for it again');
    },
  );
}

/** The GPIO fallback: encoders decoded by transition table, buttons debounced, all on header lines. */
export function watchGpio(
  config: PanelConfig,
  gpio: GpioLines,
  controller: PanelController,
  readings: ControlReadings,
  ctx: SurfaceContext,
  afterInput: () => void,
): Set<TimerHandle> {
  const handles = new Set<TimerHandle>();
  const button = (id: string, pin: number): void => {
    const debounce = new Debouncer();
    const report = (level: 0 | 1): void => {
      readings.buttons.set(id, level === 1);
      readings.last = { control: id, atMs: ctx.now() };
      controller.button(id, level === 1, ctx.now());
      afterInput();
    };
    const line = gpio.input(pin, (level) => {
      const accepted = debounce.edge(level, ctx.now());
      if (accepted === undefined) return;
      report(accepted);
      const until = debounce.nextDeadline(ctx.now());
      if (until === undefined) return;
      const settle = ctx.timers.after(until - ctx.now(), () => {
        handles.delete(settle);
        const settled = debounce.settle(line.value(), ctx.now());
        if (settled !== undefined) report(settled);
      });
      handles.add(settle);
    });
  };
  for (const e of config.encoders) {
    if (e.a !== undefined && e.b !== undefined) {
      const decoder = new QuadratureDecoder();
      const levels = { a: 0 as 0 | 1, b: 0 as 0 | 1 };
      const step = (): void => {
        const d = decoder.update(levels.a, levels.b);
        if (d === 0) return;
        readings.encoders.set(e.id, (readings.encoders.get(e.id) ?? 0) + d);
        readings.last = { control: e.id, atMs: ctx.now() };
        controller.encoder(e.id, d, ctx.now());
        afterInput();
      };
      gpio.input(e.a, (v) => ((levels.a = v), step()));
      gpio.input(e.b, (v) => ((levels.b = v), step()));
    }
    if (e.push !== undefined) button(`${e.id}.push`, e.push);
  }
  for (const b of config.buttons) if (b.pin !== undefined) button(b.id, b.pin);
  return handles;
}

/** Polls the pots through the ADS1115 while it answers; one pass reads every pot in turn. */
export function pollPots(
  config: PanelConfig,
  adc: Ads1115,
  link: ChipLink,
  controller: PanelController,
  readings: ControlReadings,
  ctx: SurfaceContext,
): TimerHandle {
  let filters = new Map(config.pots.map((p) => [p.id, new PotFilter()]));
  let busy = false;
  let lost = false;
  return ctx.timers.every(config.pot_poll_ms, () => {
    if (!link.up) lost = true;
    if (busy || !link.up) return;
    if (lost) {
      // Back from an outage (a loose cable, an adapter removed): start the readings afresh, and
      // a pot moved meanwhile picks its parameter up softly instead of jumping it.
      lost = false;
      filters = new Map(config.pots.map((p) => [p.id, new PotFilter()]));
      controller.potsLost();
    }
    busy = true;
    // One burst per pass: the adapter is opened once and released until the next pass.
    void adc.bus
      .burst(async () => {
        for (const p of config.pots) {
          const raw = await link.run(() => adc.read(p.channel));
          if (raw === undefined) break;
          const moved = filters.get(p.id)?.reading(rawToPosition(raw));
          if (moved === undefined) continue;
          readings.pots.set(p.id, moved);
          readings.last = { control: p.id, atMs: ctx.now() };
          controller.pot(p.id, moved);
        }
      })
      .finally(() => (busy = false));
  });
}
