import { existsSync } from 'node:fs';

/**
 * Why an ALSA hardware device (`hw:0`, `hw:1,0`, `hw:Loopback,0,0`, `plughw:...`) cannot be
 * played now, read from /proc/asound; undefined when it is there, or when the name is not a
 * hardware device (`default`, a sound server's), which only FluidSynth itself can judge.
 * Checked before each start, so a box with no card does not start FluidSynth in a loop.
 */
export function missingSoundCard(device: string, asound = '/proc/asound'): string | undefined {
  const m = /^(?:plug)?hw:(?:CARD=)?([^,]+)(?:,(?:DEV=)?(\d+))?/.exec(device);
  if (!m) return undefined;
  const card = m[1] ?? '0';
  const pcm = m[2] ?? '0';
  const dir = /^\d+$/.test(card) ? `${asound}/card${card}` : `${asound}/${card}`;
  if (!existsSync(dir)) return `no sound card ${card} for ${device}`;
  if (!existsSync(`${dir}/pcm${pcm}p`)) return `sound card ${card} has no playback device ${pcm} (${device})`;
  return undefined;
}
