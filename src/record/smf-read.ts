import type { MidiData } from 'midi-file';
import { parseMidi } from 'midi-file';
import { errorMessage } from '../util/error-message.js';
import type { NoteSequence, SequenceNote } from '../music/note-sequence.js';

/** A MIDI file that cannot be read: names the file (or "input") and what is wrong. */
export class SmfError extends Error {
  override readonly name = 'SmfError';
  constructor(
    readonly place: string,
    message: string,
  ) {
    super(`${place}: ${message}`);
  }
}

export interface SmfNote {
  readonly pitch: number;
  readonly velocity: number;
  readonly channel: number;
  readonly startTick: number;
  readonly endTick: number;
}

export interface SmfTrack {
  readonly name: string;
  readonly notes: readonly SmfNote[];
  readonly texts: readonly string[];
}

export interface SmfContents {
  readonly ticksPerBeat: number;
  readonly tempos: readonly { readonly tick: number; readonly microsecondsPerBeat: number }[];
  readonly timeSignatures: readonly {
    readonly tick: number;
    readonly numerator: number;
    readonly denominator: number;
  }[];
  readonly tracks: readonly SmfTrack[];
}

/** Parses a Standard MIDI File into tracks of notes in file ticks (notes paired on/off per channel+pitch). */
export function readSmf(bytes: Uint8Array, place = 'input'): SmfContents {
  let data: MidiData;
  try {
    data = parseMidi(bytes);
  } catch (e) {
    throw new SmfError(place, `not a Standard MIDI File: ${errorMessage(e)}`);
  }
  const ticksPerBeat = data.header.ticksPerBeat;
  if (ticksPerBeat === undefined) throw new SmfError(place, 'SMPTE time division is not supported');
  const tempos: { tick: number; microsecondsPerBeat: number }[] = [];
  const timeSignatures: { tick: number; numerator: number; denominator: number }[] = [];
  const tracks = data.tracks.map((events) => {
    let tick = 0;
    let name = '';
    const texts: string[] = [];
    const open = new Map<string, { velocity: number; startTick: number }[]>();
    const notes: SmfNote[] = [];
    for (const e of events) {
      tick += e.deltaTime;
      if (e.type === 'trackName') name = e.text;
      else if (e.type === 'text') texts.push(e.text);
      else if (e.type === 'setTempo') tempos.push({ tick, microsecondsPerBeat: e.microsecondsPerBeat });
      else if (e.type === 'timeSignature')
        timeSignatures.push({ tick, numerator: e.numerator, denominator: e.denominator });
      else if (e.type === 'noteOn' && e.velocity > 0) {
        const key = `${e.channel}/${e.noteNumber}`;
        open.set(key, [...(open.get(key) ?? []), { velocity: e.velocity, startTick: tick }]);
      } else if (e.type === 'noteOff' || e.type === 'noteOn') {
        const key = `${e.channel}/${e.noteNumber}`;
        const started = open.get(key)?.shift();
        if (started)
          notes.push({
            pitch: e.noteNumber,
            velocity: started.velocity,
            channel: e.channel,
            startTick: started.startTick,
            endTick: tick,
          });
      }
    }
    // A note never released ends where it started: drums are one-shots.
    for (const [key, list] of open)
      for (const s of list)
        notes.push({
          pitch: Number(key.split('/')[1]),
          velocity: s.velocity,
          channel: Number(key.split('/')[0]),
          startTick: s.startTick,
          endTick: s.startTick,
        });
    notes.sort((a, b) => a.startTick - b.startTick || a.pitch - b.pitch);
    return { name, notes, texts };
  });
  tempos.sort((a, b) => a.tick - b.tick);
  timeSignatures.sort((a, b) => a.tick - b.tick);
  return { ticksPerBeat, tempos, timeSignatures, tracks };
}

/** File ticks to seconds along the file's tempo map (120 BPM until the first tempo). */
export function secondsAt(smf: SmfContents, tick: number): number {
  let sec = 0;
  let lastTick = 0;
  let usPerBeat = 500_000;
  for (const t of smf.tempos) {
    if (t.tick >= tick) break;
    sec += ((t.tick - lastTick) * usPerBeat) / 1e6 / smf.ticksPerBeat;
    lastTick = t.tick;
    usPerBeat = t.microsecondsPerBeat;
  }
  return sec + ((tick - lastTick) * usPerBeat) / 1e6 / smf.ticksPerBeat;
}

/** All notes of the chosen tracks (default all) as a real-time note sequence. */
export function noteSequenceOf(smf: SmfContents, trackFilter: (t: SmfTrack) => boolean = () => true): NoteSequence {
  const notes: SequenceNote[] = smf.tracks
    .filter(trackFilter)
    .flatMap((t) => t.notes)
    .map((n) => ({
      pitch: n.pitch,
      velocity: n.velocity,
      startSec: secondsAt(smf, n.startTick),
      endSec: secondsAt(smf, n.endTick),
      isDrum: n.channel === 9,
    }))
    .sort((a, b) => a.startSec - b.startSec || a.pitch - b.pitch);
  return {
    notes,
    tempos: smf.tempos.map((t) => ({ timeSec: secondsAt(smf, t.tick), qpm: 60_000_000 / t.microsecondsPerBeat })),
    timeSignatures: smf.timeSignatures.map((t) => ({
      timeSec: secondsAt(smf, t.tick),
      numerator: t.numerator,
      denominator: t.denominator,
    })),
    totalSec: Math.max(0, ...notes.map((n) => n.endSec)),
  };
}
