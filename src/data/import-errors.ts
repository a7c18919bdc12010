/** Why a MIDI file (or part of one) was left out of a data set. */
export type SkipReason = 'corrupt' | 'no-drums' | 'unsupported-meter' | 'too-short' | 'unreadable';

/** A file the importer could not use, with the file named and the reason typed. */
export class MidiImportError extends Error {
  override readonly name = 'MidiImportError';
  constructor(
    readonly reason: SkipReason,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${reason}: ${detail}`);
  }
}

/** One line of the skip report a training or eval run prints. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: SkipReason;
  readonly detail: string;
}
