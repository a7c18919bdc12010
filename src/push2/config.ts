import { z } from 'zod';

/** `[push2]`: Push 2 as the box's face. Without a Push 2 plugged in none of it runs. */
export const PUSH2_SCHEMA = z
  .object({
    /** Off: Push 2 is only a pad, as any class-compliant pad. */
    enabled: z.boolean().default(true),
    /** Global LED brightness 0..127; on USB power alone Push 2's own cap of 8 is kept. */
    led_brightness: z.number().int().min(0).max(127).default(127),
    /** Display backlight 0..255; on USB power alone at most 100. */
    display_brightness: z.number().int().min(0).max(255).default(200),
    /** Display frames per second at most (the panel refreshes at 60; 30 is the transfer's limit). */
    max_fps: z.number().int().min(2).max(30).default(30),
    /** Send Push 2 the box's MIDI clock so its LED pulses and blinks keep tempo (unless it has the clock-out role). */
    send_clock: z.boolean().default(true),
  })
  .strict();

export type Push2Config = z.infer<typeof PUSH2_SCHEMA>;
