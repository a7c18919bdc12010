import type { Timers } from '../clock/timers.js';
import { EvdevInputSource } from './evdev-source.js';
import type { GpioLines } from './gpio-lines.js';
import { OnoffGpio } from './gpio-onoff.js';
import type { I2CBus } from './i2c-bus.js';
import { NodeI2CBus } from './i2c-node.js';
import type { InputEventSource } from './input-source.js';
import type { PanelConfig } from './panel-config.js';

/** The panel's hardware seams; a test passes simulators, `openPanelHardware` the real ones. */
export interface PanelHardware {
  /** Encoders and buttons as kernel input devices (the overlay). */
  readonly input?: InputEventSource;
  /** Header lines for the fallback (no overlay): encoders, buttons and on/off LEDs. */
  readonly gpio?: GpioLines;
  readonly i2c?: I2CBus;
  /** Where gpio-leds LEDs are (`antiphon:<id>` inside), for on/off LEDs when `gpio` is absent. */
  readonly ledsDir: string;
  /** Why a part is missing, for one log line each. */
  readonly missing: readonly string[];
}

/** The real seams for a config: the only place that picks them. Nothing here throws. */
export function openPanelHardware(config: PanelConfig, timers: Timers): PanelHardware {
  const missing: string[] = [];
  let input: InputEventSource | undefined;
  let gpio: GpioLines | undefined;
  if (config.input === 'evdev')
    input = new EvdevInputSource({ dir: config.evdev_dir, prefix: config.evdev_prefix, timers });
  else {
    try {
      gpio = new OnoffGpio(config.gpio_dir, config.gpio_chip_labels);
    } catch (e) {
      missing.push(`GPIO fallback: ${(e as Error).message}`);
    }
  }
  const needsI2c =
    (config.ads1115_address !== 0 && config.pots.length > 0) ||
    (config.pca9685_address !== 0 && config.leds.some((l) => l.pca9685 !== undefined));
  const i2c = needsI2c ? new NodeI2CBus(config.i2c_bus) : undefined;
  return {
    ...(input ? { input } : {}),
    ...(gpio ? { gpio } : {}),
    ...(i2c ? { i2c } : {}),
    ledsDir: config.leds_dir,
    missing,
  };
}
