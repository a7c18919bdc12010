import { afterAll, beforeAll } from 'vitest';
import { AlsaMidiBackend } from '../../../src/devices/alsa-backend.js';
import type { MidiPortInfo } from '../../../src/devices/midi-backend.js';
import { type AlsaCard, findCard, rawMidiPath } from './alsa-cards.js';
import { loadModule, unloadModule } from './kmod.js';
import { RawMidiDevice } from './rawmidi.js';
import { waitFor } from './wait.js';

/** Every suite loads snd-virmidi with the same count; module parameters apply only once. */
export const VIRMIDI_DEVICES = 4;

/** The snd-virmidi card: each device is one raw MIDI node and one ALSA sequencer client. */
export interface VirmidiCard {
  readonly card: AlsaCard;
  /** Raw device node of virmidi device `n` (0-based). */
  rawPath(n: number): string;
  /** Opens device `n`'s raw node; input already buffers. */
  open(n: number): RawMidiDevice;
  /** Substring of device `n`'s sequencer port name as RtMidi lists it, e.g. `VirMIDI 1-0`. */
  seqPortName(n: number): string;
}

/** Loads snd-seq + snd-virmidi (idempotent) and returns its card. */
export async function loadVirmidi(): Promise<VirmidiCard> {
  await loadModule('snd-seq');
  await loadModule('snd-virmidi', [`midi_devs=${VIRMIDI_DEVICES}`]);
  const card = await waitFor(() => findCard((c) => c.driver === 'VirMIDI'), { what: 'the snd-virmidi card' });
  const rawPath = (n: number): string => rawMidiPath(card.index, n);
  return {
    card,
    rawPath,
    open: (n) => RawMidiDevice.open(rawPath(n)),
    seqPortName: (n) => `VirMIDI ${card.index}-${n}`,
  };
}

/**
 * Removes the snd-virmidi card (close its raw devices and sequencer ports first). Its clients
 * look like pads to the device layer, so a suite that loaded it should unload it when done.
 */
export async function unloadVirmidi(): Promise<void> {
  await unloadModule('snd-virmidi');
}

/** A suite's snd-virmidi card seen through the product's ALSA backend (see `useVirmidiBackend`). */
export interface VirmidiWithBackend {
  card(): VirmidiCard;
  backend(): AlsaMidiBackend;
  /** Virmidi device 1's sequencer port in `direction`, once the backend lists it. */
  port(direction: 'input' | 'output'): Promise<MidiPortInfo>;
}

/**
 * Loads snd-virmidi and opens an AlsaMidiBackend before the suite's tests; disposes the
 * backend and removes the card after them.
 */
export function useVirmidiBackend(): VirmidiWithBackend {
  let card: VirmidiCard | undefined;
  let backend: AlsaMidiBackend | undefined;
  beforeAll(async () => {
    card = await loadVirmidi();
    backend = new AlsaMidiBackend();
  });
  afterAll(async () => {
    backend?.dispose();
    await unloadVirmidi();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useVirmidiBackend: used before the suite started');
    return v;
  };
  return {
    card: () => ready(card),
    backend: () => ready(backend),
    port: (direction) =>
      waitFor(
        () =>
          ready(backend)
            .listPorts()
            .find((p) => p.direction === direction && p.name.includes(ready(card).seqPortName(1))),
        { what: `virmidi ${direction} port` },
      ),
  };
}
