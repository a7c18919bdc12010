import type { MidiMessage } from './message.js';

/**
 * True for a message that ends a note: `noteOff`, or `noteOn` with velocity 0 (which the
 * decoder keeps as sent, and which many pads and running-status senders use as note-off).
 */
export function endsNote(message: MidiMessage): boolean {
  return message.type === 'noteOff' || (message.type === 'noteOn' && message.velocity === 0);
}

/** True for a note-on that starts a sounding note (velocity above 0). */
export function startsNote(message: MidiMessage): boolean {
  return message.type === 'noteOn' && message.velocity > 0;
}
