import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAsoundCards, type AlsaCard } from '../devices/usb-identity.js';

/** The `audio_device` value that lets the box pick the sound card at each start of the synth. */
export const AUTO_AUDIO_DEVICE = 'auto';

/**
 * Where the synth plays for one start: the ALSA device FluidSynth opens and how to name it to
 * a musician (`hw:2,0 (auto: USB-Audio "Scarlett 2i2 USB")`), or why it cannot play now.
 */
export type AudioDeviceChoice = { readonly device: string; readonly label: string } | { readonly problem: string };

/**
 * Resolves `[synth] audio_device` against /proc/asound (a parameter, so tests use a folder of
 * their own). "auto" takes a USB audio card that can play (what a drummer plugs in to hear the
 * box on a PA), else the lowest-numbered card that can play; cards without a playback device
 * (MIDI-only pads, the f_midi gadget, capture-only) are never chosen. Any other value is used
 * as written, once {@link missingSoundCard} finds nothing missing.
 */
export function resolveAudioDevice(configured: string, asound = '/proc/asound'): AudioDeviceChoice {
  if (configured !== AUTO_AUDIO_DEVICE) {
    const problem = missingSoundCard(configured, asound);
    return problem === undefined ? { device: configured, label: configured } : { problem };
  }
  const cards = readCards(asound).sort((a, b) => a.number - b.number);
  const playable = cards.flatMap((card) => {
    const pcm = firstPlaybackDevice(join(asound, `card${card.number}`));
    return pcm === undefined ? [] : [{ card, pcm }];
  });
  const chosen = playable.find((p) => p.card.driver === 'USB-Audio') ?? playable[0];
  if (!chosen) {
    const silent = cards.map((c) => `card ${c.number} "${c.shortName}"`).join(', ');
    return {
      problem: `no sound card with a playback device (audio_device = "auto"${silent ? `; ${silent} cannot play` : ''})`,
    };
  }
  const device = `hw:${chosen.card.number},${chosen.pcm}`;
  return { device, label: `${device} (auto: ${chosen.card.driver} "${chosen.card.shortName}")` };
}

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

/** The cards the kernel lists; none when the file cannot be read (no ALSA, not Linux). */
function readCards(asound: string): AlsaCard[] {
  try {
    return parseAsoundCards(readFileSync(join(asound, 'cards'), 'utf8'));
  } catch {
    return [];
  }
}

/** The lowest playback PCM device of a card folder (its `pcmNp` entries); undefined when it has none. */
function firstPlaybackDevice(cardDir: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(cardDir);
  } catch {
    return undefined;
  }
  const devices = entries.flatMap((e) => {
    const m = /^pcm(\d+)p$/.exec(e);
    return m ? [Number(m[1])] : [];
  });
  return devices.length > 0 ? Math.min(...devices) : undefined;
}
