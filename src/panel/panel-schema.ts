import { z } from 'zod';
import { parameterNamed } from '../control/parameters.js';
import { LED_FUNCTIONS } from './led-state.js';

/** BCM GPIO number on the 40-pin header (0..27). */
const gpio = z.number().int().min(0).max(27);
const param = z.string().refine((n) => parameterNamed(n) !== undefined, { message: 'not a parameter in the registry' });
const voice = z.string().min(1);
/** Linux input event codes: EV_REL axes 0..15, keys/buttons 1..767. */
const relAxis = z.number().int().min(0).max(15);
const keyCode = z.number().int().min(1).max(767);

/** What a control drives, and on the shift layer. */
const targets = {
  param,
  voice: voice.optional(),
  shift_param: param.optional(),
  shift_voice: voice.optional(),
};

export const ENCODER_SCHEMA = z
  .object({
    id: z.string().min(1),
    label: z.string().optional(),
    a: gpio.optional(),
    b: gpio.optional(),
    push: gpio.optional(),
    axis: relAxis,
    push_code: keyCode.optional(),
    ...targets,
  })
  .strict();

export const POT_SCHEMA = z
  .object({ id: z.string().min(1), label: z.string().optional(), channel: z.number().int().min(0).max(3), ...targets })
  .strict();

export const BUTTON_ACTIONS = ['mode', 'mutate', 'end_call', 'panic', 'learn', 'shift'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export const BUTTON_SCHEMA = z
  .object({
    id: z.string().min(1),
    label: z.string().optional(),
    pin: gpio.optional(),
    code: keyCode,
    action: z.enum(BUTTON_ACTIONS),
  })
  .strict();

export const LED_SCHEMA = z
  .object({
    id: z.string().min(1),
    label: z.string().optional(),
    show: z.enum(LED_FUNCTIONS as [string, ...string[]]).transform((s) => s as (typeof LED_FUNCTIONS)[number]),
    voice: voice.optional(),
    /** On/off through GPIO: gpio-leds (`antiphon:<id>` under /sys/class/leds) or, on the fallback, this pin. */
    pin: gpio.optional(),
    /** Dimmable: this PCA9685 channel. */
    pca9685: z.number().int().min(0).max(15).optional(),
    color: z.string().optional(),
  })
  .strict()
  .refine((l) => (l.pin === undefined) !== (l.pca9685 === undefined), {
    message: 'an LED needs exactly one of pin or pca9685',
  });

export type EncoderSpec = z.infer<typeof ENCODER_SCHEMA>;
export type PotSpec = z.infer<typeof POT_SCHEMA>;
export type ButtonSpec = z.infer<typeof BUTTON_SCHEMA>;
export type LedConfig = z.infer<typeof LED_SCHEMA>;

const i2cAddress = z.number().int().min(0x03).max(0x77);

/** `hardware/pinmap.json`: the reference panel, the one source of truth for its wiring. */
export const PIN_MAP_SCHEMA = z
  .object({
    $comment: z.string().optional(),
    board: z.string(),
    i2c: z
      .object({ bus: z.number().int().min(0), sda: gpio, scl: gpio, ads1115: i2cAddress, pca9685: i2cAddress })
      .strict(),
    din: z.object({ tx: gpio, rx: gpio, note: z.string() }).strict(),
    encoders: z.array(ENCODER_SCHEMA),
    pots: z.array(POT_SCHEMA),
    buttons: z.array(BUTTON_SCHEMA),
    leds: z.array(LED_SCHEMA),
  })
  .strict();

export type PinMap = z.infer<typeof PIN_MAP_SCHEMA>;
