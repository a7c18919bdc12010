import type { DrumPitchClasses } from '../encoding/drum-pitch-maps.js';
import { arrayAt, integerAt, objectAt, oneOf, optional, type JsonPath } from './json-shape.js';

/** The chord encoders magenta-js knows, with the width of their per-step control vector. */
export const CHORD_ENCODER_DEPTHS = {
  MajorMinorChordEncoder: 25,
  TriadChordEncoder: 49,
  PitchChordEncoder: 37,
} as const;
export type ChordEncoderType = keyof typeof CHORD_ENCODER_DEPTHS;

export interface DrumsConverterConfig {
  readonly type: 'DrumsOneHotConverter';
  readonly args: {
    /** magenta-js honours this too, so it is where a model records its pitch map. */
    readonly pitchClasses?: number[][];
    readonly [key: string]: unknown;
  };
}

export interface MelodyConverterConfig {
  readonly type: 'MelodyConverter';
  readonly args: { readonly minPitch: number; readonly maxPitch: number; readonly [key: string]: unknown };
}

export interface BinaryCounterConfig {
  readonly type: 'BinaryCounter';
  readonly args: { readonly numBits: number };
}

/**
 * `config.json` of a magenta-js MusicRNN checkpoint, as a tagged union over the data
 * converter. Unknown fields are kept on the config and the converters' args (the reader
 * also keeps the file as read), so a config we rewrite loses nothing.
 */
export interface ModelConfig {
  readonly type: 'MusicRNN';
  readonly dataConverter: DrumsConverterConfig | MelodyConverterConfig;
  readonly attentionLength?: number;
  readonly chordEncoder?: ChordEncoderType;
  readonly auxInputs?: BinaryCounterConfig[];
  readonly [key: string]: unknown;
}

const pitchAt = (v: unknown, path: JsonPath): number => integerAt(v, path, 0, 127);

function converterAt(v: unknown, path: JsonPath): ModelConfig['dataConverter'] {
  const o = objectAt(v, path);
  const type = oneOf(o['type'], [...path, 'type'], ['DrumsOneHotConverter', 'MelodyConverter']);
  const argsPath = [...path, 'args'];
  if (type === 'DrumsOneHotConverter') {
    // A drum converter's args may be left out (magenta-js's defaults apply), not be null.
    const args = objectAt(o['args'] === undefined ? {} : o['args'], argsPath);
    const classesPath = [...argsPath, 'pitchClasses'];
    const pitchClasses = optional(args['pitchClasses'], (c) =>
      arrayAt(c, classesPath, 0, 9).map((cls, i) =>
        arrayAt(cls, [...classesPath, i], 1).map((p, j) => pitchAt(p, [...classesPath, i, j])),
      ),
    );
    return { type, args: { ...args, ...(pitchClasses === undefined ? {} : { pitchClasses }) } };
  }
  const args = objectAt(o['args'], argsPath);
  return {
    type,
    args: {
      ...args,
      minPitch: pitchAt(args['minPitch'], [...argsPath, 'minPitch']),
      maxPitch: pitchAt(args['maxPitch'], [...argsPath, 'maxPitch']),
    },
  };
}

function binaryCounterAt(v: unknown, path: JsonPath): BinaryCounterConfig {
  const o = objectAt(v, path);
  const type = oneOf(o['type'], [...path, 'type'], ['BinaryCounter']);
  const args = objectAt(o['args'], [...path, 'args']);
  return { type, args: { numBits: integerAt(args['numBits'], [...path, 'args', 'numBits'], 1, 30) } };
}

/** Checks a parsed config.json; a problem throws a JsonShapeError naming where it is. */
export function parseModelConfig(json: unknown): ModelConfig {
  const o = objectAt(json, []);
  const type = oneOf(o['type'], ['type'], ['MusicRNN']);
  const dataConverter = converterAt(o['dataConverter'], ['dataConverter']);
  const attentionLength = optional(o['attentionLength'], (v) => integerAt(v, ['attentionLength'], 1));
  const chordEncoder = optional(o['chordEncoder'], (v) =>
    oneOf(v, ['chordEncoder'], Object.keys(CHORD_ENCODER_DEPTHS) as ChordEncoderType[]),
  );
  const auxInputs = optional(o['auxInputs'], (v) =>
    arrayAt(v, ['auxInputs']).map((a, i) => binaryCounterAt(a, ['auxInputs', i])),
  );
  return {
    ...o,
    type,
    dataConverter,
    ...(attentionLength === undefined ? {} : { attentionLength }),
    ...(chordEncoder === undefined ? {} : { chordEncoder }),
    ...(auxInputs === undefined ? {} : { auxInputs }),
  };
}

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
