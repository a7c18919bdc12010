/**
 * The two pitch→class maps Magenta's drum models were trained with. Each row is a class; the
 * first pitch of a row is what the class decodes to. A model records which map it uses.
 */
export type DrumPitchMapName = 'classic' | 'current';

export type DrumPitchClasses = readonly (readonly number[])[];

export const DRUM_CLASS_NAMES = [
  'kick',
  'snare',
  'closed hi-hat',
  'open hi-hat',
  'low tom',
  'mid tom',
  'high tom',
  'crash',
  'ride',
] as const;

export const DRUM_CLASS_COUNT = 9;
/** 2^9 sets of classes. */
export const DRUM_EVENT_COUNT = 512;

/** magenta-js `DEFAULT_DRUM_PITCH_CLASSES`, used by the published `drum_kit_rnn`. */
const CLASSIC: DrumPitchClasses = [
  [36, 35],
  [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
  [42, 44, 54, 68, 69, 70, 71, 73, 78, 80],
  [46, 67, 72, 74, 79, 81],
  [45, 29, 41, 61, 64, 84],
  [48, 47, 60, 63, 77, 86, 87],
  [50, 30, 43, 62, 76, 83],
  [49, 55, 57, 58],
  [51, 52, 53, 59, 82],
];

/** note-seq `DEFAULT_DRUM_TYPE_PITCHES` (since April 2019). */
const CURRENT: DrumPitchClasses = [
  [36, 35],
  [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
  [42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22],
  [46, 67, 72, 74, 79, 81, 26],
  [45, 29, 41, 43, 61, 64, 84],
  [48, 47, 60, 63, 77, 86, 87],
  [50, 30, 62, 76, 83],
  [49, 52, 55, 57, 58],
  [51, 53, 59, 82],
];

export const DRUM_PITCH_MAPS: Readonly<Record<DrumPitchMapName, DrumPitchClasses>> = {
  classic: CLASSIC,
  current: CURRENT,
};

/** A pitch→class lookup built once per map: -1 for a pitch no class claims. */
export interface DrumPitchMap {
  readonly name: DrumPitchMapName | 'custom';
  readonly classes: DrumPitchClasses;
  readonly classOfPitch: Int8Array;
}

export class DrumPitchMapError extends Error {
  override readonly name = 'DrumPitchMapError';
}

export function buildDrumPitchMap(
  classes: DrumPitchClasses,
  name: DrumPitchMapName | 'custom' = 'custom',
): DrumPitchMap {
  if (classes.length !== DRUM_CLASS_COUNT) {
    throw new DrumPitchMapError(`a drum map needs ${DRUM_CLASS_COUNT} classes, got ${classes.length}`);
  }
  const classOfPitch = new Int8Array(128).fill(-1);
  classes.forEach((pitches, cls) => {
    if (pitches.length === 0) throw new DrumPitchMapError(`drum class ${cls} has no pitches`);
    for (const p of pitches) {
      if (!Number.isInteger(p) || p < 0 || p > 127) {
        throw new DrumPitchMapError(`drum class ${cls}: pitch ${p} is not a MIDI note number`);
      }
      if (classOfPitch[p] !== -1) {
        throw new DrumPitchMapError(`pitch ${p} is in classes ${classOfPitch[p]} and ${cls}`);
      }
      classOfPitch[p] = cls;
    }
  });
  return { name, classes, classOfPitch };
}

export function drumPitchMap(name: DrumPitchMapName): DrumPitchMap {
  return buildDrumPitchMap(DRUM_PITCH_MAPS[name], name);
}

/** Which named map these classes are, or 'custom' when they match neither. */
export function identifyDrumPitchMap(classes: DrumPitchClasses): DrumPitchMapName | 'custom' {
  const same = (a: DrumPitchClasses, b: DrumPitchClasses): boolean =>
    a.length === b.length && a.every((row, i) => row.length === b[i]?.length && row.every((p, j) => p === b[i]?.[j]));
  if (same(classes, CLASSIC)) return 'classic';
  if (same(classes, CURRENT)) return 'current';
  return 'custom';
}
