import type { MidiMessage } from './message.js';
import { pitchBendCentre } from './status-bytes.js';

/** Sysex bytes shown before eliding, so a firmware dump does not flood the monitor. */
const sysexBytesShown = 16;

/**
 * One line for `antiphon monitor`, e.g. "noteOn ch10 note 36 vel 100". Channels are shown
 * 1-based, as on every synth's front panel; all other numbers are the raw wire values.
 */
export function describeMessage(message: MidiMessage): string {
  switch (message.type) {
    case 'noteOff':
    case 'noteOn':
      return `${message.type} ch${String(message.channel + 1)} note ${String(message.note)} vel ${String(message.velocity)}`;
    case 'polyPressure':
      return `polyPressure ch${String(message.channel + 1)} note ${String(message.note)} pressure ${String(message.pressure)}`;
    case 'controlChange':
      return `controlChange ch${String(message.channel + 1)} cc ${String(message.controller)} value ${String(message.value)}`;
    case 'programChange':
      return `programChange ch${String(message.channel + 1)} program ${String(message.program)}`;
    case 'channelPressure':
      return `channelPressure ch${String(message.channel + 1)} pressure ${String(message.pressure)}`;
    case 'pitchBend':
      return `pitchBend ch${String(message.channel + 1)} value ${String(message.value)} (${signed(message.value - pitchBendCentre)})`;
    case 'sysex':
      return `sysex ${String(message.data.length)} bytes${hexPreview(message.data)}`;
    case 'mtcQuarterFrame':
      return `mtcQuarterFrame piece ${String(message.value >> 4)} value ${String(message.value & 0x0f)}`;
    case 'songPosition':
      return `songPosition ${String(message.position)} sixteenths`;
    case 'songSelect':
      return `songSelect ${String(message.song)}`;
    default:
      return message.type;
  }
}

function signed(value: number): string {
  return value >= 0 ? `+${String(value)}` : String(value);
}

function hexPreview(data: Uint8Array): string {
  if (data.length === 0) return '';
  const shown = Array.from(data.subarray(0, sysexBytesShown), (byte) =>
    byte.toString(16).toUpperCase().padStart(2, '0'),
  ).join(' ');
  return `: ${shown}${data.length > sysexBytesShown ? ' …' : ''}`;
}
