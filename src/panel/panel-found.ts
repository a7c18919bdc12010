import type { Logger } from '../system/log.js';
import type { PanelConfig } from './panel-config.js';
import type { PanelHardware } from './panel-hardware.js';

/** What the panel found at start, for its one line in the log. */
export interface PanelParts {
  readonly inputs: readonly string[];
  readonly gpio?: string;
  readonly chips: readonly { readonly name: string; readonly up: boolean }[];
  /** LEDs that can be lit now (gpio-leds present, fallback pins, PCA9685 channels of a chip that answers). */
  readonly leds: readonly string[];
}

export function panelParts(
  hw: PanelHardware,
  chips: readonly { readonly name: string; readonly up: boolean }[],
  leds: readonly string[],
): PanelParts {
  return {
    inputs: hw.input?.devices() ?? [],
    ...(hw.gpio ? { gpio: `${hw.gpio.chip.label} (base ${hw.gpio.chip.base})` } : {}),
    chips,
    leds,
  };
}

/**
 * Says once, at info, which parts of the panel this box has and which it looks for. With
 * `enabled = "auto"` a box without a panel gets this one line and nothing more; with `true`
 * the parts that are missing were each warned about already, and so is an absent input.
 */
export function reportPanelParts(log: Logger, config: PanelConfig, hw: PanelHardware, parts: PanelParts): void {
  const found = {
    inputs: parts.inputs,
    ...(parts.gpio === undefined ? {} : { gpio: parts.gpio }),
    chips: parts.chips.filter((c) => c.up).map((c) => c.name),
    leds: parts.leds,
  };
  const absent = {
    ...(hw.input && parts.inputs.length === 0 ? { inputs: `${config.evdev_dir}/${config.evdev_prefix}*-event` } : {}),
    chips: parts.chips.filter((c) => !c.up).map((c) => c.name),
    leds: config.leds.filter((l) => !parts.leds.includes(l.id)).map((l) => l.id),
    ...(hw.missing.length > 0 ? { parts: hw.missing } : {}),
  };
  const any = found.inputs.length > 0 || parts.gpio !== undefined || found.chips.length > 0 || found.leds.length > 0;
  if (config.enabled === true && 'inputs' in absent)
    log.warn(
      { dir: config.evdev_dir, prefix: config.evdev_prefix },
      'no panel input devices (is the overlay loaded?); looking every 2 s',
    );
  if (!any && config.enabled === 'auto')
    log.info({ absent }, 'no panel found; looking for it quietly ([panel] enabled = "auto")');
  else log.info({ found, absent, enabled: config.enabled }, 'panel parts found');
}
