/**
 * MIDI 1.0 status bytes and the facts about them the decoder and encoder share.
 * Channel-voice statuses are the high nibble; the low nibble is the 0-based channel.
 */
export const Status = {
  noteOff: 0x80,
  noteOn: 0x90,
  polyPressure: 0xa0,
  controlChange: 0xb0,
  programChange: 0xc0,
  channelPressure: 0xd0,
  pitchBend: 0xe0,
  sysexStart: 0xf0,
  mtcQuarterFrame: 0xf1,
  songPosition: 0xf2,
  songSelect: 0xf3,
  tuneRequest: 0xf6,
  sysexEnd: 0xf7,
  clock: 0xf8,
  start: 0xfa,
  continue: 0xfb,
  stop: 0xfc,
  activeSensing: 0xfe,
  reset: 0xff,
} as const;

/** Status bytes MIDI 1.0 leaves undefined; receivers must ignore them. */
export const undefinedStatusBytes: readonly number[] = [0xf4, 0xf5, 0xf9, 0xfd];

/** Lowest real-time status byte: F8..FF may appear anywhere, even inside other messages. */
export const firstRealTimeStatus = 0xf8;

/** Largest 14-bit value (pitch bend, song position). */
export const max14Bit = 0x3fff;

/** Pitch bend centre (no bend). */
export const pitchBendCentre = 0x2000;

/** Number of data bytes that follow a channel-voice status, indexed by its high nibble - 8. */
export const channelDataLength: readonly number[] = [2, 2, 2, 2, 1, 1, 2];
