import type { ParameterState } from '../control/parameter-store.js';

/** GM drum kits by name, as programs in bank 128 (all eight are in TimGM6mb and FluidR3_GM). */
export const DRUM_KITS: Readonly<Record<string, number>> = {
  standard: 0,
  room: 8,
  power: 16,
  electronic: 24,
  'tr-808': 25,
  jazz: 32,
  brush: 40,
  orchestra: 48,
};

export const KIT_NAMES = Object.keys(DRUM_KITS);

/** FluidSynth numbers soundfonts from 1 in load order; the box loads one. */
const SOUNDFONT_ID = 1;
const DRUM_BANK = 128;
const CC = { volume: 7, reverb: 91, chorus: 93 } as const;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const level = (v: unknown, fallback: number): number => Math.max(0, Math.min(127, Math.round(num(v, fallback))));

/** GM's drum channel (0-based): where pads send their hits, and the channel voices skip when they move. */
const GM_DRUM_CHANNEL = 9;

/**
 * Each voice's channel on the built-in synth (0-based), so that each voice plays its own kit
 * there. A voice keeps its configured channel unless an earlier voice has it; then it takes
 * the next channel up (wrapping, skipping GM's drum channel 10 and every voice's configured
 * one): two voices left on channel 10 play 10 and 11. Only the synth is played this way; DIN
 * and USB outputs get the configured channel, which the gear behind them is set up for. Pure.
 */
export function synthVoiceChannels(state: ParameterState): Map<string, number> {
  const configured = state.voices.map((v) => Math.max(0, Math.min(15, num(v.values['channel'], 10) - 1)));
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const [i, v] of state.voices.entries()) {
    const own = configured[i] ?? GM_DRUM_CHANNEL;
    let ch = own;
    for (let step = 1; taken.has(ch) && step < 16; step++) {
      const next = (own + step) % 16;
      if (next !== GM_DRUM_CHANNEL && !configured.includes(next) && !taken.has(next)) ch = next;
    }
    taken.add(ch);
    out.set(v.name, ch);
  }
  return out;
}

/**
 * FluidSynth shell commands that put the synth in the state the registry describes, by key,
 * so a change sends only what differs. Every one of the 16 channels is a drum kit (a pad
 * may play on any channel); each voice's synth channel (synthVoiceChannels) gets the voice's
 * kit. Levels go as GM controllers on every channel: volume (7), reverb send (91) and chorus
 * send (93); the effect units run only while their level is above 0. Pure.
 */
export function synthCommands(state: ParameterState): Map<string, string> {
  const g = state.global;
  const kits = new Map<number, number>();
  const channels = synthVoiceChannels(state);
  for (const v of state.voices) {
    const channel = channels.get(v.name);
    if (channel !== undefined && !kits.has(channel)) kits.set(channel, DRUM_KITS[String(v.values['kit'])] ?? 0);
  }
  const volume = level(g['synth_volume'], 100);
  const reverb = level(g['reverb'], 0);
  const chorus = level(g['chorus'], 0);
  const out = new Map<string, string>();
  out.set('reverb', `reverb ${reverb > 0 ? 'on' : 'off'}`);
  out.set('chorus', `chorus ${chorus > 0 ? 'on' : 'off'}`);
  for (let ch = 0; ch < 16; ch++) {
    out.set(`kit:${ch}`, `select ${ch} ${SOUNDFONT_ID} ${DRUM_BANK} ${kits.get(ch) ?? 0}`);
    out.set(`volume:${ch}`, `cc ${ch} ${CC.volume} ${volume}`);
    out.set(`reverb:${ch}`, `cc ${ch} ${CC.reverb} ${reverb}`);
    out.set(`chorus:${ch}`, `cc ${ch} ${CC.chorus} ${chorus}`);
  }
  return out;
}

/** The commands in `next` that differ from `sent` (all of them when `sent` is empty). */
export function changedCommands(sent: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): string[] {
  return [...next].filter(([k, c]) => sent.get(k) !== c).map(([, c]) => c);
}
