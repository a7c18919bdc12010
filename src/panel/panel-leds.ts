import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BoxEvent } from '../box/bus-types.js';
import type { SurfaceContext } from '../box/surface.js';
import type { TimerHandle } from '../clock/timers.js';
import type { ChipLink } from './chip-link.js';
import { GpioLed, Pca9685Led, SysfsLed, type LedSink } from './led-sinks.js';
import { LedState, type LedSpec } from './led-state.js';
import type { PanelConfig } from './panel-config.js';
import type { PanelHardware } from './panel-hardware.js';
import type { Pca9685 } from './pca9685.js';

/** How often blink patterns are redrawn. */
const RENDER_MS = 25;

/**
 * Builds each configured LED's sink; an LED that cannot be opened is logged and left out.
 * `skipAbsent` ("auto"): a gpio-leds LED the kernel does not have is left out quietly.
 */
export function openLedSinks(
  config: PanelConfig,
  hw: PanelHardware,
  pwm: { chip: Pca9685; link: ChipLink } | undefined,
  ctx: SurfaceContext,
  skipAbsent = false,
): LedSink[] {
  const sinks: LedSink[] = [];
  const onError = (id: string, message: string): void =>
    ctx.log.warn({ led: id, err: message }, 'panel LED cannot be set; retrying on the next change');
  for (const l of config.leds) {
    try {
      if (l.pca9685 !== undefined) {
        if (pwm) sinks.push(new Pca9685Led(l.id, pwm.chip, pwm.link, l.pca9685));
      } else if (l.pin !== undefined) {
        if (hw.gpio) sinks.push(new GpioLed(l.id, hw.gpio, l.pin, onError));
        else if (!skipAbsent || existsSync(join(hw.ledsDir, `antiphon:${l.id}`)))
          sinks.push(new SysfsLed(l.id, hw.ledsDir, `antiphon:${l.id}`, onError));
      }
    } catch (e) {
      ctx.log.warn({ led: l.id, err: (e as Error).message }, 'panel LED left out');
    }
  }
  return sinks;
}

/**
 * The LEDs as bus subscribers: every event folds into LedState, the beat is drawn at its
 * scheduled time on the scheduler (`ctx.at`) and put out after the flash, and patterns are
 * redrawn on a short timer.
 */
export class PanelLeds {
  readonly state: LedState;
  readonly #ctx: SurfaceContext;
  readonly #sinks: readonly LedSink[];
  readonly #handles: TimerHandle[] = [];
  readonly #flashMs: number;
  /** Beat LED lit at (scheduled ms, drawn ms), for the bench. */
  readonly beatDrawn: { scheduledMs: number; drawnMs: number }[] = [];

  constructor(config: PanelConfig, sinks: readonly LedSink[], ctx: SurfaceContext) {
    const specs: LedSpec[] = config.leds.map((l) => ({
      id: l.id,
      show: l.show,
      ...(l.voice === undefined ? {} : { voice: l.voice }),
    }));
    this.state = new LedState(specs, { beatFlashMs: config.beat_flash_ms, errorShowMs: config.error_show_ms });
    this.#ctx = ctx;
    this.#sinks = sinks;
    this.#flashMs = config.beat_flash_ms;
    this.#handles.push(ctx.timers.every(RENDER_MS, () => this.render()));
    this.render();
  }

  event(e: BoxEvent): void {
    if (e.kind === 'beat') {
      this.#beat(e.bar, e.beat, e.atMs);
      return;
    }
    this.state.event(e, this.#ctx.now());
    this.render();
  }

  setLearning(on: boolean): void {
    this.state.setLearning(on);
    this.render();
  }

  render(): void {
    const levels = this.state.levels(this.#ctx.now());
    for (const s of this.#sinks) s.set(levels.get(s.id) ?? 0);
  }

  levels(): Map<string, number> {
    return this.state.levels(this.#ctx.now());
  }

  stop(): void {
    for (const h of this.#handles.splice(0)) h.cancel();
    for (const s of this.#sinks) s.set(0);
  }

  #beat(bar: number, beat: number, atMs: number): void {
    const draw = (): void => {
      this.state.beat(bar, beat, atMs);
      this.render();
      this.beatDrawn.push({ scheduledMs: atMs, drawnMs: this.#ctx.now() });
      if (this.beatDrawn.length > 1000) this.beatDrawn.splice(0, 500);
    };
    // The box emits the beat at its own time; a beat announced ahead is drawn on the scheduler at that time.
    if (atMs > this.#ctx.now()) this.#ctx.at(atMs, draw);
    else draw();
    this.#ctx.at(atMs + this.#flashMs, () => this.render());
  }
}
