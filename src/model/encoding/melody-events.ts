import type { QuantizedNote, QuantizedSequence } from '../../music/note-sequence.js';

/** Class 0: nothing new on this step (the previous note sustains). */
export const MELODY_NO_EVENT = 0;
/** Class 1: the sounding note stops here. */
export const MELODY_NOTE_OFF = 1;
const SPECIAL_EVENTS = 2;

/** The pitch range of a melody model, both ends inclusive (`basic_rnn`: 48..83). */
export interface MelodyRange {
  readonly minPitch: number;
  readonly maxPitch: number;
}

export function melodyEventCount(range: MelodyRange): number {
  return range.maxPitch - range.minPitch + 1 + SPECIAL_EVENTS;
}

export interface EncodedMelody {
  readonly events: Uint16Array;
  /** Notes dropped: out of range, or under a higher note starting on the same step. */
  readonly droppedCount: number;
}

/**
 * Monophonic melody events, as Magenta's melody models read them: a note-on class at each
 * onset, NOTE_OFF where a note ends and no other starts, NO_EVENT elsewhere. Of notes starting
 * together the highest wins; a later onset cuts the sounding note short.
 */
export function encodeMelodyEvents(
  sequence: QuantizedSequence,
  range: MelodyRange,
  fromStep = 0,
  toStep = sequence.totalSteps,
): EncodedMelody {
  const length = Math.max(0, toStep - fromStep);
  const events = new Uint16Array(length);
  const onsets = new Map<number, QuantizedNote>();
  let droppedCount = 0;
  for (const note of sequence.notes) {
    const t = note.startStep - fromStep;
    if (t < 0 || t >= length) continue;
    if (note.pitch < range.minPitch || note.pitch > range.maxPitch) {
      droppedCount++;
      continue;
    }
    const other = onsets.get(t);
    if (other !== undefined) droppedCount++;
    if (other === undefined || note.pitch > other.pitch) onsets.set(t, note);
  }
  const starts = [...onsets.keys()].sort((a, b) => a - b);
  starts.forEach((t, i) => {
    const note = onsets.get(t);
    if (note === undefined) return;
    events[t] = note.pitch - range.minPitch + SPECIAL_EVENTS;
    const next = starts[i + 1] ?? length;
    const end = note.endStep - fromStep;
    if (end < next && end < length) events[end] = MELODY_NOTE_OFF;
  });
  return { events, droppedCount };
}

/** Events back to notes: each note-on lasts until the next note-on or note-off. */
export function decodeMelodyEvents(
  events: ArrayLike<number>,
  range: MelodyRange,
  startStep = 0,
  velocity = 100,
): QuantizedNote[] {
  const notes: QuantizedNote[] = [];
  let open: { pitch: number; start: number } | undefined;
  const close = (t: number): void => {
    if (open === undefined) return;
    notes.push({
      pitch: open.pitch,
      velocity,
      startStep: startStep + open.start,
      endStep: startStep + t,
      offsetSteps: 0,
      isDrum: false,
    });
    open = undefined;
  };
  for (let t = 0; t < events.length; t++) {
    const e = events[t] ?? MELODY_NO_EVENT;
    if (e === MELODY_NO_EVENT) continue;
    close(t);
    if (e !== MELODY_NOTE_OFF) open = { pitch: e - SPECIAL_EVENTS + range.minPitch, start: t };
  }
  close(events.length);
  return notes;
}
