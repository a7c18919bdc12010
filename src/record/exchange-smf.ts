import type { MidiData, MidiEvent } from 'midi-file';
import { writeMidi } from 'midi-file';
import { TICKS_PER_BEAT, TICKS_PER_STEP } from '../clock/units.js';
import type { Exchange, RecordedNote } from '../perform/engine-types.js';

/** File resolution: 480 per quarter, so our 24-PPQN ticks (and micro-timing between them) survive. */
export const SMF_TICKS_PER_BEAT = 480;
const SCALE = SMF_TICKS_PER_BEAT / TICKS_PER_BEAT;
const DRUM_CHANNEL = 9;

interface Timed {
  readonly at: number;
  readonly order: number;
  readonly event: MidiEvent;
}

/** Absolute-time events to a delta-time track ending in end-of-track. */
function track(name: string, events: Timed[], endAt: number): MidiEvent[] {
  const sorted = [...events].sort((a, b) => a.at - b.at || a.order - b.order);
  const out: MidiEvent[] = [{ deltaTime: 0, meta: true, type: 'trackName', text: name }];
  let last = 0;
  for (const e of sorted) {
    out.push({ ...e.event, deltaTime: e.at - last });
    last = e.at;
  }
  out.push({ deltaTime: Math.max(0, endAt - last), meta: true, type: 'endOfTrack' });
  return out;
}

function noteEvents(notes: readonly RecordedNote[], originTick: number): Timed[] {
  return notes.flatMap((n) => {
    const on = Math.max(0, Math.round((n.tick - originTick) * SCALE));
    const off = on + Math.max(1, Math.round(n.durationTicks * SCALE));
    return [
      {
        at: on,
        order: 1,
        event: { deltaTime: 0, type: 'noteOn', channel: DRUM_CHANNEL, noteNumber: n.pitch, velocity: n.velocity },
      },
      {
        at: off,
        order: 0,
        event: { deltaTime: 0, type: 'noteOff', channel: DRUM_CHANNEL, noteNumber: n.pitch, velocity: 0 },
      },
    ];
  });
}

const fixed = (x: number): string => x.toFixed(3);

/**
 * One exchange as a format-1 Standard MIDI File: a conductor track (tempo, meter, what the
 * exchange was), the call on its own track, then one track per voice turn, all on the GM
 * drum channel. Time zero is one bar before the call's first bar line: a human's first hit is
 * often a little ahead of the bar, and a file cannot hold negative time (marker "call" sits
 * on bar 2).
 */
export function exchangeToSmf(x: Exchange): Uint8Array {
  const originBar = x.call.startBar - 1;
  const originTick = originBar * x.stepsPerBar * TICKS_PER_STEP;
  const barAt = (bar: number): number => (bar - originBar) * x.stepsPerBar * TICKS_PER_STEP * SCALE;
  const lastBar = Math.max(x.call.startBar + x.call.bars, ...x.turns.map((t) => t.startBar + t.bars));
  const endAt = barAt(lastBar);
  const conductor: Timed[] = [
    {
      at: 0,
      order: 0,
      event: { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: Math.round(60_000_000 / x.tempo) },
    },
    {
      at: 0,
      order: 1,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'timeSignature',
        numerator: x.stepsPerBar / 4,
        denominator: 4,
        metronome: 24,
        thirtyseconds: 8,
      },
    },
    {
      at: 0,
      order: 2,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'text',
        text: `antiphon exchange ${x.id}, mode ${x.mode}, call ${x.call.source} ended by ${x.call.endReason}`,
      },
    },
    { at: barAt(x.call.startBar), order: 3, event: { deltaTime: 0, meta: true, type: 'marker', text: 'call' } },
    ...x.turns.map((t, i) => ({
      at: barAt(t.startBar),
      order: 4 + i,
      event: { deltaTime: 0, meta: true as const, type: 'marker' as const, text: `voice ${t.voice}` },
    })),
  ];
  const tracks = [
    track('antiphon', conductor, endAt),
    track(`call (${x.call.source})`, noteEvents(x.call.notes, originTick), endAt),
  ];
  for (const t of x.turns) {
    const ll: Timed = {
      at: barAt(t.startBar),
      order: 0,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'text',
        text: `model ${t.model} T=${fixed(t.temperature)} log-likelihood ${fixed(t.logLikelihood.total)} (${fixed(t.logLikelihood.total / Math.max(1, t.logLikelihood.perStep.length))}/step), call ${fixed(t.primerLogLikelihood.total)}, slipped ${t.slippedBars} bars`,
      },
    };
    tracks.push(track(`voice ${t.voice}`, [ll, ...noteEvents(t.notes, originTick)], endAt));
  }
  const data: MidiData = { header: { format: 1, numTracks: tracks.length, ticksPerBeat: SMF_TICKS_PER_BEAT }, tracks };
  return Uint8Array.from(writeMidi(data));
}
