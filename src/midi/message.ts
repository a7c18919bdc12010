/**
 * Typed MIDI 1.0 messages: the one vocabulary every layer speaks.
 *
 * Channels are 0-based (0..15, so GM drums are channel 9); data values are 7-bit unless
 * the field says otherwise. Sysex `data` excludes the F0/F7 framing bytes.
 */
export type MidiMessage =
  | { readonly type: 'noteOff'; readonly channel: number; readonly note: number; readonly velocity: number }
  | { readonly type: 'noteOn'; readonly channel: number; readonly note: number; readonly velocity: number }
  | { readonly type: 'polyPressure'; readonly channel: number; readonly note: number; readonly pressure: number }
  | { readonly type: 'controlChange'; readonly channel: number; readonly controller: number; readonly value: number }
  | { readonly type: 'programChange'; readonly channel: number; readonly program: number }
  | { readonly type: 'channelPressure'; readonly channel: number; readonly pressure: number }
  /** `value` is the 14-bit bend, 0..16383, centre 8192. */
  | { readonly type: 'pitchBend'; readonly channel: number; readonly value: number }
  | { readonly type: 'sysex'; readonly data: Uint8Array }
  | { readonly type: 'mtcQuarterFrame'; readonly value: number }
  /** Song Position Pointer, in MIDI beats (16ths, 6 clocks each), 0..16383. */
  | { readonly type: 'songPosition'; readonly position: number }
  | { readonly type: 'songSelect'; readonly song: number }
  | { readonly type: 'tuneRequest' }
  | { readonly type: 'clock' }
  | { readonly type: 'start' }
  | { readonly type: 'continue' }
  | { readonly type: 'stop' }
  | { readonly type: 'activeSensing' }
  | { readonly type: 'reset' };

export type MidiMessageType = MidiMessage['type'];

/** A message with the monotonic time it arrived or must leave, in milliseconds. */
export interface TimedMidiMessage {
  readonly timeMs: number;
  readonly message: MidiMessage;
}

const CLOCK_TYPES: ReadonlySet<MidiMessageType> = new Set(['clock', 'start', 'stop', 'continue', 'songPosition']);

/** True for what a clock follower takes: Clock, Start, Continue, Stop and Song Position. */
export const isClockMessage = (m: MidiMessage): boolean => CLOCK_TYPES.has(m.type);
