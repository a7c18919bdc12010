import { z } from 'zod';
import { BUTTON_SCHEMA, ENCODER_SCHEMA, LED_SCHEMA, POT_SCHEMA, type PinMap } from './panel-schema.js';
import { loadPinMap } from './pinmap.js';

/** The `[panel]` parts that come from the reference panel's pin map. */
export interface PanelLayout {
  readonly i2c_bus: number;
  readonly ads1115_address: number;
  readonly pca9685_address: number;
  readonly encoders: PinMap['encoders'];
  readonly pots: PinMap['pots'];
  readonly buttons: PinMap['buttons'];
  readonly leds: PinMap['leds'];
}

/** The default `[panel]` layout: the reference panel in hardware/pinmap.json. */
export function layoutFromPinMap(map: PinMap): PanelLayout {
  return {
    i2c_bus: map.i2c.bus,
    ads1115_address: map.i2c.ads1115,
    pca9685_address: map.i2c.pca9685,
    encoders: map.encoders,
    pots: map.pots,
    buttons: map.buttons,
    leds: map.leds,
  };
}

let reference: { layout: PanelLayout; problem?: string } | undefined;

/**
 * The reference layout, read once. A missing or broken pin map leaves a panel with no
 * controls and the reason (the surface logs it), never a box that cannot start.
 */
export function referenceLayout(): { layout: PanelLayout; problem?: string } {
  if (reference) return reference;
  try {
    reference = { layout: layoutFromPinMap(loadPinMap()) };
  } catch (e) {
    reference = {
      layout: {
        i2c_bus: 1,
        ads1115_address: 0x48,
        pca9685_address: 0x40,
        encoders: [],
        pots: [],
        buttons: [],
        leds: [],
      },
      problem: (e as Error).message,
    };
  }
  return reference;
}

const i2cAddress = z.number().int().min(0x03).max(0x77);

/**
 * `[panel]`: the knobs, buttons and LEDs on the box. Every key has a default; the controls
 * default to the reference panel of hardware/pinmap.json. A bad key falls back alone.
 */
export const PANEL_SCHEMA = z
  .object({
    /**
     * "auto": the panel runs with the parts it finds and says once (info) which; a box without
     * a panel logs nothing more. true: a panel is fitted, so every missing part is a warning.
     * false: no panel at all (nothing opened, nothing polled).
     */
    enabled: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /** evdev: the kernel's rotary-encoder/gpio-keys drivers (the overlay); gpio: onoff, decoded here. */
    input: z.enum(['evdev', 'gpio']).default('evdev'),
    evdev_dir: z.string().min(1).default('/dev/input/by-path'),
    /** Event devices whose name starts with this are the panel's (the overlay's node names). */
    evdev_prefix: z.string().min(1).default('platform-antiphon-'),
    leds_dir: z.string().min(1).default('/sys/class/leds'),
    gpio_dir: z.string().min(1).default('/sys/class/gpio'),
    /** The GPIO fallback looks for the header's chip by these labels (Pi 4, Pi 3, Pi 5). */
    gpio_chip_labels: z.array(z.string().min(1)).min(1).default(['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1']),
    i2c_bus: z
      .number()
      .int()
      .min(0)
      .default(() => referenceLayout().layout.i2c_bus),
    /** 0 = no ADC (no pots). */
    ads1115_address: z.union([z.literal(0), i2cAddress]).default(() => referenceLayout().layout.ads1115_address),
    /** 0 = no PWM LED driver. */
    pca9685_address: z.union([z.literal(0), i2cAddress]).default(() => referenceLayout().layout.pca9685_address),
    pot_poll_ms: z.number().int().min(5).max(1000).default(20),
    /** A chip that does not answer is tried again this often. */
    retry_ms: z.number().int().min(100).max(60_000).default(2000),
    long_press_ms: z.number().int().min(200).max(5000).default(700),
    double_press_ms: z.number().int().min(100).max(1000).default(300),
    beat_flash_ms: z.number().int().min(10).max(400).default(60),
    error_show_ms: z.number().int().min(1000).default(60_000),
    encoders: z.array(ENCODER_SCHEMA).default(() => [...referenceLayout().layout.encoders]),
    pots: z.array(POT_SCHEMA).default(() => [...referenceLayout().layout.pots]),
    buttons: z.array(BUTTON_SCHEMA).default(() => [...referenceLayout().layout.buttons]),
    leds: z.array(LED_SCHEMA).default(() => [...referenceLayout().layout.leds]),
  })
  .strict();

export type PanelConfig = z.infer<typeof PANEL_SCHEMA>;

/** The defaults, as the box uses them with no `[panel]` in antiphon.toml. */
export const defaultPanelConfig = (): PanelConfig => PANEL_SCHEMA.parse({});
