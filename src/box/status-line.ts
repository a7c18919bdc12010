import type { BoxSnapshot } from './bus-types.js';

/**
 * What the box is doing, in one line for `systemctl status` (sd_notify STATUS=): the newest
 * error first, then demo, the engine state and the clock ("listening, following a MIDI clock
 * at 98.0 BPM"). Pure, so it changes only when the state it describes does.
 */
export function statusLine(s: BoxSnapshot): string {
  const error = [...s.problems].reverse().find((p) => p.level === 'error');
  const clock =
    s.clock.source === 'external'
      ? `following a MIDI clock at ${s.clock.tempo.toFixed(1)} BPM`
      : s.clock.source === 'link'
        ? `following Link at ${s.clock.tempo.toFixed(1)} BPM with ${peers(s.clock.link?.peers ?? 0)}`
        : `leading at ${s.clock.tempo.toFixed(1)} BPM`;
  const activity = s.engine === 'responding' ? 'answering' : s.engine;
  const parts = [s.demo ? 'DEMO (no pad)' : activity, clock];
  return error ? `error: ${error.message}; ${parts.join(', ')}` : parts.join(', ');
}

const peers = (n: number): string => (n === 1 ? '1 peer' : `${n === 0 ? 'no' : n} peers`);
