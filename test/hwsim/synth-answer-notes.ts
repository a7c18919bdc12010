import { parseMidi, type MidiEvent } from 'midi-file';

/** Events with their absolute tick. */
function absolute(track: readonly MidiEvent[]): { tick: number; event: MidiEvent }[] {
  let tick = 0;
  return track.map((event) => ({ tick: (tick += event.deltaTime), event }));
}

/**
 * In an exchange the box recorded (src/record/exchange-smf.ts: a conductor track with a
 * `voice NAME` marker on each turn's bar line, then one track per turn), the ms from the
 * first turn of `voice`'s bar line to that turn's first hit. The model places hits on the
 * grid with micro-timing, so an answer's first sound is due at its bar line plus this, which
 * may be a little before the bar line (a pushed hit) or several steps after it.
 */
export function firstHitAfterBarLineMs(bytes: Uint8Array, voice: string): number {
  const midi = parseMidi(bytes);
  const ticksPerBeat = midi.header.ticksPerBeat ?? 0;
  const [conductor = [], ...rest] = midi.tracks.map(absolute);
  const tempo = conductor.find((e) => e.event.type === 'setTempo')?.event;
  const usPerBeat = tempo?.type === 'setTempo' ? tempo.microsecondsPerBeat : 500_000;
  const marker = conductor.find((e) => e.event.type === 'marker' && e.event.text === `voice ${voice}`);
  const turn = rest.find((t) => t.some((e) => e.event.type === 'trackName' && e.event.text === `voice ${voice}`));
  const hit = turn?.find((e) => e.event.type === 'noteOn' && e.event.velocity > 0);
  if (!marker || !hit || ticksPerBeat <= 0)
    throw new Error(`the recorded exchange has no turn of voice ${voice} with a hit (marker ${String(!!marker)})`);
  return ((hit.tick - marker.tick) * usPerBeat) / 1000 / ticksPerBeat;
}
