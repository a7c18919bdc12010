import { z } from 'zod';
import type { DrumPitchClasses } from '../encoding/drum-pitch-maps.js';

/**
 * `config.json` of a magenta-js MusicRNN checkpoint, as a tagged union over the data
 * converter. Unknown fields are kept (passthrough) so a config we rewrite loses nothing.
 */
const drumsConverter = z.object({
  type: z.literal('DrumsOneHotConverter'),
  args: z
    .object({
      /** magenta-js honours this too, so it is where a model records its pitch map. */
      pitchClasses: z
        .array(z.array(z.number().int().min(0).max(127)).min(1))
        .length(9)
        .optional(),
    })
    .passthrough()
    .default({}),
});

const melodyConverter = z.object({
  type: z.literal('MelodyConverter'),
  args: z
    .object({
      minPitch: z.number().int().min(0).max(127),
      maxPitch: z.number().int().min(0).max(127),
    })
    .passthrough(),
});

const binaryCounter = z.object({
  type: z.literal('BinaryCounter'),
  args: z.object({ numBits: z.number().int().min(1).max(30) }),
});

/** The chord encoders magenta-js knows, with the width of their per-step control vector. */
export const CHORD_ENCODER_DEPTHS = {
  MajorMinorChordEncoder: 25,
  TriadChordEncoder: 49,
  PitchChordEncoder: 37,
} as const;
export type ChordEncoderType = keyof typeof CHORD_ENCODER_DEPTHS;

export const modelConfigSchema = z
  .object({
    type: z.literal('MusicRNN'),
    dataConverter: z.discriminatedUnion('type', [drumsConverter, melodyConverter]),
    attentionLength: z.number().int().positive().optional(),
    chordEncoder: z.enum(['MajorMinorChordEncoder', 'TriadChordEncoder', 'PitchChordEncoder']).optional(),
    auxInputs: z.array(binaryCounter).optional(),
  })
  .passthrough();

export type ModelConfig = z.infer<typeof modelConfigSchema>;

export interface DrumsConfigShape {
  readonly pitchClasses?: DrumPitchClasses;
}

/** Width of the one-hot event part of the input. */
export function eventDepthOf(config: ModelConfig): number {
  const dc = config.dataConverter;
  return dc.type === 'DrumsOneHotConverter' ? 512 : dc.args.maxPitch - dc.args.minPitch + 3;
}

export function auxDepthOf(config: ModelConfig): number {
  return (config.auxInputs ?? []).reduce((sum, aux) => sum + aux.args.numBits, 0);
}

export function controlDepthOf(config: ModelConfig): number {
  return config.chordEncoder === undefined ? 0 : CHORD_ENCODER_DEPTHS[config.chordEncoder];
}
