import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listMidiFiles } from '../data/drum-dataset.js';
import { splitOf } from '../data/dataset-split.js';
import { readDrumSequence } from '../data/midi-to-sequence.js';
import { encodeDrumEvents } from '../model/encoding/drum-events.js';
import type { DrumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { NoteSequence } from '../music/note-sequence.js';
import { quantizeNoteSequence } from '../music/quantize.js';

/** One call-and-response test cut from a drummer's file. */
export interface AnswerCase {
  readonly file: string;
  /** Bar of the file (0-based) where the call starts: the bar line at or before the first hit. */
  readonly startBar: number;
  /** The call as played (real time, with the drummer's feel), its first bar line at time 0. */
  readonly call: NoteSequence;
  /** The call on the grid (`callBars` bars). */
  readonly callEvents: Uint16Array;
  /** What the drummer really played next (`answerBars` bars). */
  readonly truthEvents: Uint16Array;
}

export interface CutOptions {
  readonly map: DrumPitchMap;
  readonly callBars?: number;
  readonly answerBars?: number;
}

/** Why a file gives no case. */
export interface AnswerSkip {
  readonly file: string;
  readonly reason: string;
}

const STEPS_PER_BAR = 16;

/**
 * Cuts a file into call (bars 1–2 from the bar line at or before the first hit) and truth (bars
 * 3–4). The file must be in 4/4 at one tempo over those bars, play in both call bars and reach
 * the last truth bar.
 */
export function cutAnswerCase(sequence: NoteSequence, file: string, options: CutOptions): AnswerCase | AnswerSkip {
  const callBars = options.callBars ?? 2;
  const answerBars = options.answerBars ?? 2;
  const meter = sequence.timeSignatures.find((ts) => ts.numerator !== 4 || ts.denominator !== 4);
  if (meter)
    return { file, reason: `not in 4/4 (${meter.numerator}/${meter.denominator} at ${meter.timeSec.toFixed(2)} s)` };
  const qpm = sequence.tempos[0]?.qpm ?? 120;
  const mapped = sequence.notes.filter((n) => (options.map.classOfPitch[n.pitch] ?? -1) >= 0);
  if (mapped.length === 0) return { file, reason: 'no drum the model knows' };
  const q = quantizeNoteSequence({ ...sequence, notes: mapped });
  const firstStep = q.notes[0]?.startStep ?? 0;
  const from = Math.floor(firstStep / STEPS_PER_BAR) * STEPS_PER_BAR;
  const callEnd = from + callBars * STEPS_PER_BAR;
  const end = callEnd + answerBars * STEPS_PER_BAR;
  const secPerStep = 15 / qpm;
  const tempoChange = sequence.tempos.find((t) => t.timeSec < end * secPerStep && Math.abs(t.qpm - qpm) > 1e-6);
  if (tempoChange)
    return { file, reason: `tempo changes to ${tempoChange.qpm.toFixed(1)} qpm within the call or answer` };
  const lastStep = q.notes[q.notes.length - 1]?.startStep ?? 0;
  if (lastStep < end - STEPS_PER_BAR)
    return { file, reason: `shorter than ${callBars + answerBars} bars from the first hit` };
  const callEvents = encodeDrumEvents(q, options.map, { fromStep: from, toStep: callEnd }).events;
  for (let b = 0; b < callBars; b++) {
    if (callEvents.subarray(b * STEPS_PER_BAR, (b + 1) * STEPS_PER_BAR).every((e) => e === 0))
      return { file, reason: `call bar ${b + 1} is silent` };
  }
  const truthEvents = encodeDrumEvents(q, options.map, { fromStep: callEnd, toStep: end }).events;
  const fromSec = from * secPerStep;
  const notes = mapped
    .filter((n) => {
      // One tempo up to the truth's end (checked above), so a step is a fixed time.
      const step = Math.floor(n.startSec / secPerStep + 0.5);
      return step >= from && step < callEnd;
    })
    .map((n) => ({ ...n, startSec: n.startSec - fromSec, endSec: n.endSec - fromSec }));
  const call: NoteSequence = {
    notes,
    tempos: [{ timeSec: 0, qpm }],
    timeSignatures: [],
    totalSec: callBars * STEPS_PER_BAR * secPerStep,
  };
  return { file, startBar: from / STEPS_PER_BAR, call, callEvents, truthEvents };
}

export function isSkip(x: AnswerCase | AnswerSkip): x is AnswerSkip {
  return 'reason' in x;
}

/**
 * GMD's info.csv beat/fill and meter columns by file; undefined without one. Fills are
 * left out: the test is about answering a groove.
 */
async function beatFiles(dir: string): Promise<Map<string, boolean> | undefined> {
  const csv = await readFile(join(dir, 'info.csv'), 'utf8').catch(() => undefined);
  if (csv === undefined) return undefined;
  const [header, ...rows] = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const cols = header?.split(',') ?? [];
  const [file, beat, meter] = ['midi_filename', 'beat_type', 'time_signature'].map((c) => cols.indexOf(c));
  if (file === undefined || beat === undefined || meter === undefined || file < 0 || beat < 0 || meter < 0)
    return undefined;
  const table = new Map<string, boolean>();
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[file];
    if (name !== undefined) table.set(name, cells[beat] === 'beat' && cells[meter] === '4-4');
  }
  return table;
}

export interface AnswerSet {
  readonly cases: AnswerCase[];
  readonly skipped: AnswerSkip[];
  /** Files of the split looked at (after the beat filter). */
  readonly filesRead: number;
}

/** Every usable case in a folder's split; with GMD's info.csv, only its 4/4 beats (no fills). */
export async function loadAnswerSet(
  dir: string,
  which: 'validation' | 'train' | 'all',
  options: CutOptions,
): Promise<AnswerSet> {
  const split = await splitOf(dir);
  const beats = await beatFiles(dir);
  const files = (await listMidiFiles(dir)).filter(
    (f) => (which === 'all' || split(f) === which) && (beats?.get(f) ?? beats === undefined),
  );
  const cases: AnswerCase[] = [];
  const skipped: AnswerSkip[] = [];
  for (const file of files) {
    try {
      const cut = cutAnswerCase(readDrumSequence(new Uint8Array(await readFile(join(dir, file))), file), file, options);
      if (isSkip(cut)) skipped.push(cut);
      else cases.push(cut);
    } catch (e) {
      skipped.push({ file, reason: (e as Error).message });
    }
  }
  return { cases, skipped, filesRead: files.length };
}
