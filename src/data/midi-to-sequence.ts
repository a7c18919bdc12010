import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import type { NoteSequence, SequenceNote, TempoChange, TimeSignatureChange } from '../music/note-sequence.js';
import { MidiImportError } from './import-errors.js';
import { errorMessage } from '../util/error-message.js';

/** General MIDI puts drums on channel 10 (9 counted from 0). */
const GM_DRUM_CHANNEL = 9;
const DRUM_TRACK_NAME = /drum|percussion|perc\b|kit\b|beat/i;

export interface DrumSelection {
  /** Extra tracks to read as drums, by index (0-based) or by name (case-insensitive substring). */
  readonly drumTracks?: readonly (number | string)[];
  /** Also treat tracks whose name looks like a drum track ("Drums", "Percussion", "Kit") as drums. */
  readonly detectNamedTracks?: boolean;
}

interface TimedEvent {
  readonly tick: number;
  readonly track: number;
  readonly event: MidiEvent;
}

/**
 * Reads the drum part of a Standard MIDI File into a NoteSequence in real time: channel 10,
 * plus tracks named or configured as drums. Every tempo and time-signature change is kept so
 * the quantiser can follow them. Throws MidiImportError ('corrupt', 'no-drums') naming the file.
 */
export function readDrumSequence(bytes: Uint8Array, file: string, selection: DrumSelection = {}): NoteSequence {
  let midi: MidiData;
  try {
    midi = parseMidi(bytes);
  } catch (err) {
    const why = errorMessage(err);
    throw new MidiImportError('corrupt', file, `not a readable Standard MIDI File (${why})`);
  }
  checkStructure(midi, file);
  const ticksPerBeat = midi.header.ticksPerBeat;
  if (ticksPerBeat === undefined || ticksPerBeat <= 0) {
    throw new MidiImportError('corrupt', file, 'SMPTE time division is not supported; re-export with ticks per beat');
  }
  const events = mergeTracks(midi);
  const drumTrackSet = drumTracksOf(midi, selection);
  const tempoTicks: { tick: number; usPerBeat: number }[] = [];
  const meterTicks: { tick: number; numerator: number; denominator: number }[] = [];
  for (const { tick, event } of events) {
    if (event.type === 'setTempo') tempoTicks.push({ tick, usPerBeat: event.microsecondsPerBeat });
    if (event.type === 'timeSignature') {
      meterTicks.push({ tick, numerator: event.numerator, denominator: event.denominator });
    }
  }
  const toSec = tickToSeconds(tempoTicks, ticksPerBeat);
  const notes = collectDrumNotes(events, drumTrackSet, toSec);
  if (notes.length === 0) {
    throw new MidiImportError('no-drums', file, 'no notes on channel 10 or in a drum track');
  }
  const tempos: TempoChange[] = dedupeByTime(
    tempoTicks.map((t) => ({ timeSec: toSec(t.tick), qpm: 60_000_000 / t.usPerBeat })),
  );
  const timeSignatures: TimeSignatureChange[] = dedupeByTime(
    meterTicks.map((m) => ({ timeSec: toSec(m.tick), numerator: m.numerator, denominator: m.denominator })),
  );
  const lastTick = events.reduce((max, e) => Math.max(max, e.tick), 0);
  const totalSec = Math.max(toSec(lastTick), ...notes.map((n) => n.endSec));
  return { notes, tempos, timeSignatures, totalSec };
}

/** midi-file reads truncated files without complaint; a cut-off file must not train silently. */
function checkStructure(midi: MidiData, file: string): void {
  if (midi.tracks.length === 0 || midi.tracks.length !== midi.header.numTracks) {
    throw new MidiImportError(
      'corrupt',
      file,
      `header announces ${midi.header.numTracks} tracks, found ${midi.tracks.length}`,
    );
  }
  midi.tracks.forEach((track, i) => {
    if (track[track.length - 1]?.type !== 'endOfTrack') {
      throw new MidiImportError('corrupt', file, `track ${i} stops without End of Track (truncated file?)`);
    }
  });
}

function mergeTracks(midi: MidiData): TimedEvent[] {
  const all: TimedEvent[] = [];
  midi.tracks.forEach((track, index) => {
    let tick = 0;
    for (const event of track) {
      tick += event.deltaTime;
      all.push({ tick, track: index, event });
    }
  });
  // Stable by tick: within one tick, file order is kept (note-off before a re-trigger).
  return all.sort((a, b) => a.tick - b.tick);
}

function drumTracksOf(midi: MidiData, selection: DrumSelection): Set<number> {
  const chosen = new Set<number>();
  const wanted = selection.drumTracks ?? [];
  midi.tracks.forEach((track, index) => {
    const nameEvent = track.find((e) => e.type === 'trackName');
    const name = nameEvent && 'text' in nameEvent ? nameEvent.text : '';
    const byConfig = wanted.some((w) =>
      typeof w === 'number' ? w === index : name.toLowerCase().includes(w.toLowerCase()),
    );
    const byName = (selection.detectNamedTracks ?? true) && DRUM_TRACK_NAME.test(name);
    if (byConfig || byName) chosen.add(index);
  });
  return chosen;
}

function collectDrumNotes(
  events: readonly TimedEvent[],
  drumTracks: ReadonlySet<number>,
  toSec: (tick: number) => number,
): SequenceNote[] {
  const open = new Map<string, { tick: number; velocity: number; pitch: number }[]>();
  const notes: SequenceNote[] = [];
  const close = (key: string, tick: number): void => {
    const started = open.get(key)?.shift();
    if (!started) return;
    notes.push(drumNote(started.pitch, started.velocity, toSec(started.tick), toSec(tick)));
  };
  for (const { tick, track, event } of events) {
    if (event.type !== 'noteOn' && event.type !== 'noteOff') continue;
    if (event.channel !== GM_DRUM_CHANNEL && !drumTracks.has(track)) continue;
    const key = `${track}:${event.channel}:${event.noteNumber}`;
    if (event.type === 'noteOn' && event.velocity > 0) {
      const queue = open.get(key) ?? [];
      queue.push({ tick, velocity: event.velocity, pitch: event.noteNumber });
      open.set(key, queue);
    } else {
      close(key, tick);
    }
  }
  // Drum hits are one-shots: a missing note-off still leaves a valid hit.
  for (const queue of open.values()) {
    for (const started of queue) {
      const at = toSec(started.tick);
      notes.push(drumNote(started.pitch, started.velocity, at, at));
    }
  }
  return notes.sort((a, b) => a.startSec - b.startSec || a.pitch - b.pitch);
}

function drumNote(pitch: number, velocity: number, startSec: number, endSec: number): SequenceNote {
  return { pitch, velocity, startSec, endSec, isDrum: true };
}

/** Tick -> seconds along the tempo map (120 qpm until the first tempo event). */
function tickToSeconds(
  tempos: readonly { tick: number; usPerBeat: number }[],
  ticksPerBeat: number,
): (tick: number) => number {
  const segments: { tick: number; sec: number; secPerTick: number }[] = [];
  let sec = 0;
  let lastTick = 0;
  let secPerTick = 0.5 / ticksPerBeat;
  for (const t of tempos) {
    sec += (t.tick - lastTick) * secPerTick;
    lastTick = t.tick;
    secPerTick = t.usPerBeat / 1e6 / ticksPerBeat;
    segments.push({ tick: t.tick, sec, secPerTick });
  }
  return (tick: number): number => {
    let seg = { tick: 0, sec: 0, secPerTick: 0.5 / ticksPerBeat };
    for (const s of segments) {
      if (s.tick <= tick) seg = s;
      else break;
    }
    return seg.sec + (tick - seg.tick) * seg.secPerTick;
  };
}

/** Several changes at one instant: the last one wins (that is what a player would hear). */
function dedupeByTime<T extends { timeSec: number }>(items: readonly T[]): T[] {
  const out: T[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.timeSec - item.timeSec) < 1e-9) out[out.length - 1] = item;
    else out.push(item);
  }
  return out;
}
