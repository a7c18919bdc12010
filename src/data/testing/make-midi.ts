import { writeMidi, type MidiData, type MidiEvent } from 'midi-file';

/** A hit for a generated test file: tick, pitch, velocity, and channel (9 = GM drums). */
export interface TestHit {
  readonly tick: number;
  readonly pitch: number;
  readonly velocity?: number;
  readonly channel?: number;
}

export interface TestTrack {
  readonly name?: string;
  readonly hits?: readonly TestHit[];
  /** Meta events at ticks: tempo in qpm, meter as [numerator, denominator]. */
  readonly tempos?: readonly { tick: number; qpm: number }[];
  readonly meters?: readonly { tick: number; numerator: number; denominator: number }[];
}

/** Builds a format-1 Standard MIDI File in memory, for tests that must not depend on fixtures. */
export function makeMidi(tracks: readonly TestTrack[], ticksPerBeat = 480): Uint8Array {
  const data: MidiData = {
    header: { format: 1, numTracks: tracks.length, ticksPerBeat },
    tracks: tracks.map((t) => toEvents(t)),
  };
  return Uint8Array.from(writeMidi(data));
}

function toEvents(track: TestTrack): MidiEvent[] {
  const timed: { tick: number; order: number; event: MidiEvent }[] = [];
  if (track.name !== undefined)
    timed.push({ tick: 0, order: 0, event: { deltaTime: 0, meta: true, type: 'trackName', text: track.name } });
  for (const t of track.tempos ?? []) {
    timed.push({
      tick: t.tick,
      order: 1,
      event: { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: Math.round(60_000_000 / t.qpm) },
    });
  }
  for (const m of track.meters ?? []) {
    timed.push({
      tick: m.tick,
      order: 1,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'timeSignature',
        numerator: m.numerator,
        denominator: m.denominator,
        metronome: 24,
        thirtyseconds: 8,
      },
    });
  }
  for (const h of track.hits ?? []) {
    const channel = h.channel ?? 9;
    timed.push({
      tick: h.tick,
      order: 3,
      event: { deltaTime: 0, type: 'noteOn', channel, noteNumber: h.pitch, velocity: h.velocity ?? 100 },
    });
    timed.push({
      tick: h.tick + 60,
      order: 2,
      event: { deltaTime: 0, type: 'noteOff', channel, noteNumber: h.pitch, velocity: 0 },
    });
  }
  timed.sort((a, b) => a.tick - b.tick || a.order - b.order);
  let last = 0;
  const events = timed.map(({ tick, event }) => {
    const withDelta = { ...event, deltaTime: tick - last } as MidiEvent;
    last = tick;
    return withDelta;
  });
  events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  return events;
}

/** A steady rock beat: kick on 1 and 3, snare on 2 and 4, closed hat on 8ths, for `bars` bars. */
export function rockBeat(bars: number, ticksPerBeat = 480, startBar = 0): TestHit[] {
  const hits: TestHit[] = [];
  const sixteenth = ticksPerBeat / 4;
  for (let bar = startBar; bar < startBar + bars; bar++) {
    for (let s = 0; s < 16; s++) {
      const tick = (bar * 16 + s) * sixteenth;
      if (s % 8 === 0) hits.push({ tick, pitch: 36, velocity: 110 });
      if (s % 8 === 4) hits.push({ tick, pitch: 38, velocity: 100 });
      if (s % 2 === 0) hits.push({ tick, pitch: 42, velocity: s % 4 === 0 ? 90 : 60 });
    }
  }
  return hits;
}
