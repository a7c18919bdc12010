import { z } from 'zod';

/**
 * `[synth]`: the built-in sound, FluidSynth run by the box. The defaults are the box's: a sound
 * card's ALSA hardware device (not dmix, which adds a period of latency and resampling) at
 * 48 kHz with two periods of 128 frames, about 5 ms. A desktop whose card belongs to a sound
 * server sets `audio_device = "default"`.
 */
export const SYNTH_SCHEMA = z
  .object({
    enabled: z.boolean().default(true),
    /** The FluidSynth executable (Debian's `fluidsynth`). */
    command: z.string().min(1).default('fluidsynth'),
    /** Debian's small GM set (`timgm6mb-soundfont`, pulled in by libfluidsynth3): all eight GM drum kits. */
    soundfont: z.string().min(1).default('/usr/share/sounds/sf2/TimGM6mb.sf2'),
    /**
     * "auto" (the default): at each start of FluidSynth, a USB audio interface that can play if
     * one is plugged in, else the lowest-numbered card that can play (the board's own output);
     * cards without playback (MIDI pads) are never taken. Anything else is an ALSA device used
     * as written: `hw:1`, `plughw:CARD=Headphones`, `default`.
     */
    audio_device: z.string().min(1).default('auto'),
    sample_rate: z.number().int().min(22050).max(96000).default(48000),
    period_size: z.number().int().min(32).max(4096).default(128),
    periods: z.number().int().min(2).max(16).default(2),
    /** FluidSynth's master gain; the per-voice level is the registry's synth_volume. */
    gain: z.number().min(0).max(5).default(0.6),
    polyphony: z.number().int().min(8).max(256).default(64),
  })
  .strict();

export type SynthConfig = z.infer<typeof SYNTH_SCHEMA>;
