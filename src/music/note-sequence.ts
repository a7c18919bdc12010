/**
 * The one note-sequence type shared by every layer (devices, model, training, performance).
 *
 * Two views of the same music: `NoteSequence` keeps real time (seconds, as played or read
 * from a file); `QuantizedSequence` sits on a 16th grid and still remembers, per note, how
 * far the human was from the grid and how hard they hit, so feel can be learned and replayed.
 */

/** A note in real time. Drum notes are one-shots: `endSec` may equal `startSec`. */
export interface SequenceNote {
  readonly pitch: number;
  readonly velocity: number;
  readonly startSec: number;
  readonly endSec: number;
  readonly isDrum: boolean;
}

export interface TempoChange {
  readonly timeSec: number;
  /** Quarter notes per minute. */
  readonly qpm: number;
}

export interface TimeSignatureChange {
  readonly timeSec: number;
  readonly numerator: number;
  readonly denominator: number;
}

export interface NoteSequence {
  readonly notes: readonly SequenceNote[];
  /** Sorted by time; the first entry applies from 0. Empty means 120 qpm. */
  readonly tempos: readonly TempoChange[];
  /** Sorted by time; empty means 4/4. */
  readonly timeSignatures: readonly TimeSignatureChange[];
  readonly totalSec: number;
}

/** A note on the grid. */
export interface QuantizedNote {
  readonly pitch: number;
  readonly velocity: number;
  readonly startStep: number;
  readonly endStep: number;
  /**
   * Where the note really started, relative to its grid step, in steps (-0.5..0.5):
   * negative is ahead of the beat, positive behind. 0 for machine-made notes.
   */
  readonly offsetSteps: number;
  readonly isDrum: boolean;
}

export interface QuantizedSequence {
  readonly notes: readonly QuantizedNote[];
  /** Always 4 here: a 16th grid. Kept explicit so a reader never has to guess. */
  readonly stepsPerQuarter: number;
  readonly totalSteps: number;
  /** The tempo the grid was laid with. */
  readonly qpm: number;
  /** Steps per bar of the (first) time signature: 16 for 4/4. */
  readonly stepsPerBar: number;
}
