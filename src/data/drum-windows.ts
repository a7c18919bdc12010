import type { DrumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { NoteSequence, QuantizedNote } from '../music/note-sequence.js';
import { quantizeNoteSequence, stepsPerBarOf, STEPS_PER_QUARTER } from '../music/quantize.js';
import type { FeltHit } from '../groove/groove.js';
import type { SkippedFile } from './import-errors.js';

/** The drum models' binary counter means 16th/8th/quarter/half/bar only on 16-step bars. */
export const SUPPORTED_STEPS_PER_BAR = 16;

/** One hit kept with its feel (step within the window), for the groove tables: a felt hit without its pitch. */
export type DrumHit = Omit<FeltHit, 'pitch'>;

/** A bar-aligned stretch of drumming: the unit a model trains and is evaluated on. */
export interface DrumWindow {
  readonly file: string;
  /** Where the window starts in the file's quantised steps (always a bar line). */
  readonly startStep: number;
  /** One event per step (sum of 2^class), whole bars. */
  readonly events: Uint16Array;
  readonly hits: readonly DrumHit[];
}

export interface WindowOptions {
  readonly map: DrumPitchMap;
  /** A window ends after this many bars with no hit (Magenta's gap_bars). */
  readonly gapBars?: number;
  /** Windows are cut into pieces of at most this many steps (Magenta's max_steps: 512). */
  readonly maxSteps?: number;
  /** Windows shorter than this are dropped as too short. */
  readonly minBars?: number;
  /** End windows on a bar line (Magenta's pad_end; default) or right after the last hit. */
  readonly padToBar?: boolean;
}

/**
 * The evaluation protocol of the data set's README (whole files from the bar of the first hit
 * to the last hit, no gap splitting): the protocol under which its baselines are 2.80 and 1.58.
 */
export const WHOLE_FILE_WINDOWS = { gapBars: Infinity, maxSteps: Infinity, minBars: 0, padToBar: false } as const;

export interface WindowResult {
  readonly windows: DrumWindow[];
  readonly skipped: SkippedFile[];
  /** Notes whose pitch the map does not cover (left out, counted). */
  readonly unmappedNotes: number;
}

interface MeterSpan {
  readonly fromStep: number;
  readonly toStep: number;
  readonly stepsPerBar: number;
  readonly label: string;
}

/**
 * Splits a file's drums into training windows as Magenta's DrumsExtractor does: start on the
 * bar of the first hit, end at a gap of silent bars, cut at `maxSteps`, drop what is shorter than
 * `minBars`. Unlike Magenta, a long stretch is cut into consecutive windows rather than truncated,
 * so no data is thrown away. Spans in a meter other than 16 steps per bar are skipped and reported.
 */
export function extractDrumWindows(sequence: NoteSequence, file: string, options: WindowOptions): WindowResult {
  const gapBars = options.gapBars ?? 1;
  const maxSteps = options.maxSteps ?? 512;
  const minBars = options.minBars ?? 2;
  const padToBar = options.padToBar ?? true;
  const quantized = quantizeNoteSequence(sequence, STEPS_PER_QUARTER);
  const spans = meterSpans(sequence, quantized.totalSteps);
  const skipped: SkippedFile[] = [];
  const windows: DrumWindow[] = [];
  let unmappedNotes = 0;
  const mapped: { note: QuantizedNote; cls: number }[] = [];
  for (const note of quantized.notes) {
    const cls = options.map.classOfPitch[note.pitch] ?? -1;
    if (cls < 0) unmappedNotes++;
    else mapped.push({ note, cls });
  }
  let tooShort = 0;
  for (const span of spans) {
    const inSpan = mapped.filter((m) => m.note.startStep >= span.fromStep && m.note.startStep < span.toStep);
    if (inSpan.length === 0) continue;
    if (span.stepsPerBar !== SUPPORTED_STEPS_PER_BAR) {
      skipped.push({
        file,
        reason: 'unsupported-meter',
        detail: `${inSpan.length} hits in ${span.label} (bars of ${span.stepsPerBar} steps; models need 16)`,
      });
      continue;
    }
    const bar = span.stepsPerBar;
    for (const run of runsSplitByGaps(inSpan, gapBars * bar)) {
      const first = run[0]?.note.startStep ?? 0;
      const last = run[run.length - 1]?.note.startStep ?? 0;
      const start = span.fromStep + Math.floor((first - span.fromStep) / bar) * bar;
      const end = padToBar ? start + Math.ceil((last + 1 - start) / bar) * bar : last + 1;
      for (let from = start; from < end; from += maxSteps) {
        const to = Math.min(end, from + maxSteps);
        if (to - from < minBars * bar) {
          tooShort++;
          continue;
        }
        windows.push(makeWindow(file, from, to, run));
      }
    }
  }
  if (tooShort > 0 && windows.length === 0) {
    skipped.push({ file, reason: 'too-short', detail: `no stretch of drumming reaches ${minBars} bars` });
  }
  return { windows, skipped, unmappedNotes };
}

function runsSplitByGaps<T extends { note: QuantizedNote }>(hits: readonly T[], gapSteps: number): T[][] {
  const runs: T[][] = [];
  let current: T[] = [];
  for (const hit of hits) {
    const previous = current[current.length - 1];
    if (previous && hit.note.startStep - previous.note.startStep > gapSteps) {
      runs.push(current);
      current = [];
    }
    current.push(hit);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function makeWindow(
  file: string,
  from: number,
  to: number,
  run: readonly { note: QuantizedNote; cls: number }[],
): DrumWindow {
  const events = new Uint16Array(to - from);
  const hits: DrumHit[] = [];
  for (const { note, cls } of run) {
    const step = note.startStep - from;
    if (step < 0 || step >= events.length) continue;
    // Set semantics: a class hit twice on one step (two pitches, a flam) is one hit.
    if (((events[step] ?? 0) & (1 << cls)) !== 0) continue;
    events[step] = (events[step] ?? 0) | (1 << cls);
    hits.push({ step, drumClass: cls, velocity: note.velocity, offsetSteps: note.offsetSteps });
  }
  return { file, startStep: from, events, hits };
}

/** Time-signature spans on the step axis; bars restart at each change, as in the file. */
function meterSpans(sequence: NoteSequence, totalSteps: number): MeterSpan[] {
  const changes =
    sequence.timeSignatures.length > 0 ? sequence.timeSignatures : [{ timeSec: 0, numerator: 4, denominator: 4 }];
  // Quantising the change times as notes puts them on the same tempo-integrated axis as the hits.
  const stepsOf = quantizeNoteSequence({
    ...sequence,
    notes: changes.map((c) => ({ pitch: 0, velocity: 0, startSec: c.timeSec, endSec: c.timeSec, isDrum: true })),
  }).notes.map((n) => n.startStep);
  return changes.map((change, i) => ({
    fromStep: i === 0 ? 0 : (stepsOf[i] ?? 0),
    toStep: i + 1 < changes.length ? (stepsOf[i + 1] ?? totalSteps) : totalSteps + 1,
    stepsPerBar: stepsPerBarOf(change, STEPS_PER_QUARTER),
    label: `${change.numerator}/${change.denominator}`,
  }));
}
