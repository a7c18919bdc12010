import type {
  NoteSequence,
  QuantizedNote,
  QuantizedSequence,
  TempoChange,
  TimeSignatureChange,
} from './note-sequence.js';

/** The grid every model here uses: 4 steps per quarter note, a 4/4 bar is 16 steps. */
export const STEPS_PER_QUARTER = 4;
const DEFAULT_QPM = 120;

/** A note sequence that cannot be laid on a grid (bad tempo, negative time, ...). */
export class QuantizationError extends Error {
  override readonly name = 'QuantizationError';
  constructor(
    message: string,
    /** Where in the sequence the problem is, e.g. `tempos[2]` or `notes[14]`. */
    readonly place: string,
  ) {
    super(`${place}: ${message}`);
  }
}

interface TempoSegment {
  readonly startSec: number;
  readonly startSteps: number;
  readonly stepsPerSec: number;
}

/**
 * Precomputes where each tempo change falls on the step axis, so a time converts to steps by
 * integrating the tempo map rather than assuming one tempo for the whole piece.
 */
function tempoSegments(tempos: readonly TempoChange[], stepsPerQuarter: number): TempoSegment[] {
  const sorted = tempos.length === 0 ? [{ timeSec: 0, qpm: DEFAULT_QPM }] : [...tempos];
  sorted.forEach((t, i) => {
    if (!(Number.isFinite(t.qpm) && t.qpm > 0)) {
      throw new QuantizationError(`tempo must be a positive number, got ${t.qpm}`, `tempos[${i}]`);
    }
    if (!(Number.isFinite(t.timeSec) && t.timeSec >= 0)) {
      throw new QuantizationError(`time must be >= 0, got ${t.timeSec}`, `tempos[${i}]`);
    }
    const previous = sorted[i - 1];
    if (previous !== undefined && t.timeSec < previous.timeSec) {
      throw new QuantizationError('tempo changes must be sorted by time', `tempos[${i}]`);
    }
  });
  const segments: TempoSegment[] = [];
  let steps = 0;
  let lastSec = 0;
  let lastRate = ((sorted[0]?.qpm ?? DEFAULT_QPM) / 60) * stepsPerQuarter;
  for (const t of sorted) {
    steps += (t.timeSec - lastSec) * lastRate;
    lastSec = t.timeSec;
    lastRate = (t.qpm / 60) * stepsPerQuarter;
    segments.push({ startSec: t.timeSec, startSteps: steps, stepsPerSec: lastRate });
  }
  // The first tempo also applies before its own time stamp.
  const first = segments[0];
  if (first !== undefined && first.startSec > 0) {
    segments.unshift({ startSec: 0, startSteps: 0, stepsPerSec: first.stepsPerSec });
  }
  return segments;
}

/** Real time to (fractional) steps along the tempo map. */
function secondsToSteps(timeSec: number, segments: readonly TempoSegment[]): number {
  let seg = segments[0];
  for (const s of segments) {
    if (s.startSec <= timeSec) seg = s;
    else break;
  }
  if (seg === undefined) return 0;
  return seg.startSteps + (timeSec - seg.startSec) * seg.stepsPerSec;
}

/** Steps per bar for a time signature on a grid of `stepsPerQuarter`. */
export function stepsPerBarOf(ts: TimeSignatureChange | undefined, stepsPerQuarter: number): number {
  if (ts === undefined) return 4 * stepsPerQuarter;
  return Math.round((ts.numerator * 4 * stepsPerQuarter) / ts.denominator);
}

/**
 * Lays a real-time sequence on the 16th grid. Onsets round with `floor(steps + 0.5)`, as
 * Magenta does; each note keeps how far it was from its step (`offsetSteps`) and its velocity,
 * so the human feel survives quantisation. A note never ends before the step after its start.
 */
export function quantizeNoteSequence(
  sequence: NoteSequence,
  stepsPerQuarter: number = STEPS_PER_QUARTER,
): QuantizedSequence {
  const segments = tempoSegments(sequence.tempos, stepsPerQuarter);
  const notes: QuantizedNote[] = [];
  let lastEnd = 0;
  sequence.notes.forEach((note, i) => {
    if (!(Number.isFinite(note.startSec) && note.startSec >= 0)) {
      throw new QuantizationError(`start must be >= 0, got ${note.startSec}`, `notes[${i}]`);
    }
    if (!(Number.isFinite(note.endSec) && note.endSec >= note.startSec)) {
      throw new QuantizationError(`end ${note.endSec} is before start ${note.startSec}`, `notes[${i}]`);
    }
    const startExact = secondsToSteps(note.startSec, segments);
    const startStep = Math.floor(startExact + 0.5);
    const endStep = Math.max(startStep + 1, Math.floor(secondsToSteps(note.endSec, segments) + 0.5));
    lastEnd = Math.max(lastEnd, endStep);
    notes.push({
      pitch: note.pitch,
      velocity: note.velocity,
      startStep,
      endStep,
      offsetSteps: startExact - startStep,
      isDrum: note.isDrum,
    });
  });
  notes.sort((a, b) => a.startStep - b.startStep || a.pitch - b.pitch);
  const totalSteps = Math.max(lastEnd, Math.floor(secondsToSteps(sequence.totalSec, segments) + 0.5));
  return {
    notes,
    stepsPerQuarter,
    totalSteps,
    qpm: sequence.tempos[0]?.qpm ?? DEFAULT_QPM,
    stepsPerBar: stepsPerBarOf(sequence.timeSignatures[0], stepsPerQuarter),
  };
}
