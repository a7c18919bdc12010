import { readFileSync } from 'node:fs';

/** One sound card as listed in /proc/asound/cards. */
export interface AlsaCard {
  readonly index: number;
  /** The card id in brackets, e.g. `VirMIDI`, or the f_midi `id` attribute. */
  readonly id: string;
  /** e.g. `VirMIDI`, `USB-Audio`, `MIDI Gadget` (f_midi). */
  readonly driver: string;
  readonly name: string;
  /** Second line, e.g. `Ableton Push 2 at usb-dummy_hcd.0-1, high speed`. */
  readonly longName: string;
}

// " 1 [push2          ]: MIDI Gadget - f_midi" (the driver name may contain spaces)
const HEADER = /^\s*(\d+)\s+\[([^\]]*?)\s*\]:\s+(.+?)\s+-\s+(.*)$/;

/** Parses /proc/asound/cards (empty when no card exists yet). */
export function listCards(text = readCardsFile()): AlsaCard[] {
  const lines = text.split('\n');
  const cards: AlsaCard[] = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (m === null) return;
    const [, index, id, driver, name] = m;
    cards.push({
      index: Number(index),
      id: id ?? '',
      driver: driver ?? '',
      name: name?.trim() ?? '',
      longName: lines[i + 1]?.trim() ?? '',
    });
  });
  return cards;
}

function readCardsFile(): string {
  try {
    return readFileSync('/proc/asound/cards', 'utf8');
  } catch {
    return ''; // no ALSA core loaded yet
  }
}

/** The card matching `pred`, or undefined. */
export function findCard(pred: (card: AlsaCard) => boolean): AlsaCard | undefined {
  return listCards().find(pred);
}

/** Raw MIDI device node of a card: /dev/snd/midiC<card>D<device>. */
export function rawMidiPath(card: number, device = 0): string {
  return `/dev/snd/midiC${card}D${device}`;
}
