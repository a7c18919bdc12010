import type { MidiMessage } from './message.js';

/**
 * Message construction for the decoder's hot path. Real-time and tune-request messages carry
 * no fields, so one frozen instance each is shared instead of allocating per byte.
 */
export const realTimeMessages: readonly (MidiMessage | undefined)[] = buildRealTimeTable();
export const tuneRequestMessage: MidiMessage = Object.freeze({ type: 'tuneRequest' });

function buildRealTimeTable(): (MidiMessage | undefined)[] {
  const table: (MidiMessage | undefined)[] = new Array<MidiMessage | undefined>(8).fill(undefined);
  table[0] = Object.freeze({ type: 'clock' });
  table[2] = Object.freeze({ type: 'start' });
  table[3] = Object.freeze({ type: 'continue' });
  table[4] = Object.freeze({ type: 'stop' });
  table[6] = Object.freeze({ type: 'activeSensing' });
  table[7] = Object.freeze({ type: 'reset' });
  return table;
}

/** A complete channel-voice message. `data2` is ignored for one-data-byte kinds. */
export function channelMessage(status: number, data1: number, data2: number): MidiMessage {
  const channel = status & 0x0f;
  switch (status & 0xf0) {
    case 0x80:
      return { type: 'noteOff', channel, note: data1, velocity: data2 };
    case 0x90:
      return { type: 'noteOn', channel, note: data1, velocity: data2 };
    case 0xa0:
      return { type: 'polyPressure', channel, note: data1, pressure: data2 };
    case 0xb0:
      return { type: 'controlChange', channel, controller: data1, value: data2 };
    case 0xc0:
      return { type: 'programChange', channel, program: data1 };
    case 0xd0:
      return { type: 'channelPressure', channel, pressure: data1 };
    default:
      return { type: 'pitchBend', channel, value: data1 | (data2 << 7) };
  }
}

/** A complete system common message with data (F1, F2, F3). */
export function systemCommonMessage(status: number, data1: number, data2: number): MidiMessage {
  switch (status) {
    case 0xf1:
      return { type: 'mtcQuarterFrame', value: data1 };
    case 0xf2:
      return { type: 'songPosition', position: data1 | (data2 << 7) };
    default:
      return { type: 'songSelect', song: data1 };
  }
}
