import type { QuantizedNote, QuantizedSequence } from '../../music/note-sequence.js';
import type { DrumPitchMap } from './drum-pitch-maps.js';
import { DRUM_CLASS_COUNT, DRUM_EVENT_COUNT } from './drum-pitch-maps.js';

/**
 * One drum event per step: the set of classes hit, as `sum(2**class)` (0 = silence).
 * Python set semantics: two pitches of one class on a step are one hit of that class.
 */
export interface EncodedDrums {
  readonly events: Uint16Array;
  /** Notes whose pitch no class claims; they are left out, never mis-encoded. */
  readonly unmappedCount: number;
  readonly unmappedPitches: readonly number[];
}

export interface DrumWindow {
  /** First step encoded (default 0). */
  readonly fromStep?: number;
  /** One past the last step encoded (default the sequence's `totalSteps`). */
  readonly toStep?: number;
}

export function encodeDrumEvents(
  sequence: QuantizedSequence,
  map: DrumPitchMap,
  window: DrumWindow = {},
): EncodedDrums {
  const from = window.fromStep ?? 0;
  const to = window.toStep ?? sequence.totalSteps;
  const events = new Uint16Array(Math.max(0, to - from));
  const unmapped = new Set<number>();
  let unmappedCount = 0;
  for (const note of sequence.notes) {
    const t = note.startStep - from;
    if (t < 0 || t >= events.length) continue;
    const cls = map.classOfPitch[note.pitch] ?? -1;
    if (cls < 0) {
      unmappedCount++;
      unmapped.add(note.pitch);
      continue;
    }
    events[t] = (events[t] ?? 0) | (1 << cls);
  }
  return { events, unmappedCount, unmappedPitches: [...unmapped].sort((a, b) => a - b) };
}

export class DrumEventError extends Error {
  override readonly name = 'DrumEventError';
}

export interface DecodeOptions {
  /** Step the first event lands on. */
  readonly startStep?: number;
  readonly velocity?: number;
}

/** Each set bit becomes the first pitch of its class, one step long, as Magenta decodes. */
export function decodeDrumEvents(
  events: ArrayLike<number>,
  map: DrumPitchMap,
  options: DecodeOptions = {},
): QuantizedNote[] {
  const start = options.startStep ?? 0;
  const velocity = options.velocity ?? 100;
  const notes: QuantizedNote[] = [];
  for (let t = 0; t < events.length; t++) {
    const event = events[t] ?? 0;
    if (!Number.isInteger(event) || event < 0 || event >= DRUM_EVENT_COUNT) {
      throw new DrumEventError(`event ${event} at index ${t} is not a drum event (0..511)`);
    }
    for (let cls = 0; cls < DRUM_CLASS_COUNT; cls++) {
      if ((event & (1 << cls)) === 0) continue;
      const pitch = map.classes[cls]?.[0];
      if (pitch === undefined) continue;
      notes.push({
        pitch,
        velocity,
        startStep: start + t,
        endStep: start + t + 1,
        offsetSteps: 0,
        isDrum: true,
      });
    }
  }
  return notes;
}
