import { BUILT_IN_SYNTH_CLIENT } from '../devices/roles.js';
import type { SynthConfig } from './synth-config.js';

/** The ALSA sequencer client name FluidSynth takes (`-p`): the role book finds the synth by it. */
export const SYNTH_CLIENT = BUILT_IN_SYNTH_CLIENT;

/**
 * FluidSynth as the box runs it: ALSA audio on `device` (`audio_device` as resolved for this
 * start, never "auto": see resolveAudioDevice), the ALSA sequencer for notes (the box's router
 * reaches it like any MIDI device), and its command shell on stdin for kits, levels and
 * effects. Without `-i` the shell reads stdin, so the synth also exits by itself when the box
 * that feeds it is gone.
 */
export function liveArgs(c: SynthConfig, device: string): string[] {
  return [
    '-a',
    'alsa',
    '-m',
    'alsa_seq',
    '-p',
    SYNTH_CLIENT,
    '-o',
    `audio.alsa.device=${device}`,
    '-r',
    String(c.sample_rate),
    '-z',
    String(c.period_size),
    '-c',
    String(c.periods),
    '-g',
    String(c.gain),
    '-o',
    `synth.polyphony=${c.polyphony}`,
    // One synthesis thread: a second one costs more in hand-offs than it saves at this size.
    '-o',
    'synth.cpu-cores=1',
    '-o',
    'midi.autoconnect=0',
    '-R',
    '1',
    '-C',
    '0',
    c.soundfont,
  ];
}

/** Renders a MIDI file to a WAV file, faster than real time, through the same soundfont. */
export function renderArgs(
  soundfont: string,
  midiFile: string,
  wavFile: string,
  sampleRate: number,
  gain: number,
): string[] {
  return [
    '-n',
    '-i',
    '-q',
    '-F',
    wavFile,
    '-T',
    'wav',
    '-r',
    String(sampleRate),
    '-g',
    String(gain),
    '-R',
    '1',
    '-C',
    '0',
    soundfont,
    midiFile,
  ];
}
