/**
 * Push 2's MIDI vocabulary as the box uses it (see ../shared/reference/push2.md and
 * Ableton's push-interface documentation): controller and note numbers, and the sysex
 * commands, all sent on the User port.
 */

/** The eight encoders above the display, left to right. */
export const TRACK_ENCODERS = [71, 72, 73, 74, 75, 76, 77, 78] as const;
export const MASTER_ENCODER = 79;
export const TEMPO_ENCODER = 14;
export const SWING_ENCODER = 15;
/** Touching an encoder sends this note (0..7 the track encoders), velocity 127 touch, 0 release. */
export const TOUCH_NOTES = { tracks: [0, 1, 2, 3, 4, 5, 6, 7], master: 8, swing: 9, tempo: 10 } as const;

/** The buttons the box uses, by what they do here (Push 2's printed name in the comment). */
export const BUTTON = {
  tapTempo: 3, // Tap Tempo
  shift: 49, // Shift
  mode: 31, // Layout: steps through answer / chain / loop
  mutate: 88, // Duplicate: the call again, mutated
  endCall: 29, // Stop (clip): ends the call now
  panic: 60, // Mute: all notes off, after a second press
  play: 85, // Play: play / stop the box (and its MIDI clock while it leads)
  record: 86, // Record: arm / disarm the recorder
  undo: 119, // Undo: the previous response again, from the next bar line
} as const;
/** The row below the display selects the encoder page. */
export const LOWER_ROW = [20, 21, 22, 23, 24, 25, 26, 27] as const;
/** The lowest and highest pad notes: 36 bottom-left, 99 top-right. */
export const PAD_LOW = 36;
export const PAD_HIGH = 99;

/** Pad note for grid row (0 = top) and column (0 = left). */
export const padNote = (row: number, col: number): number => PAD_LOW + (7 - row) * 8 + col;
/** Grid position of a pad note, or undefined for a note that is no pad. */
export function padPosition(note: number): { row: number; col: number } | undefined {
  if (note < PAD_LOW || note > PAD_HIGH) return undefined;
  const i = note - PAD_LOW;
  return { row: 7 - Math.floor(i / 8), col: i % 8 };
}

/**
 * An encoder's relative value as detents: 7-bit two's complement, 1..63 clockwise and
 * 127..64 counter-clockwise (127 = -1). 0 means no movement.
 */
export function decodeRelative(value: number): number {
  const v = value & 0x7f;
  return v < 64 ? v : v - 128;
}

/** The LED animation a note or CC's MIDI channel asks for (timed by the clock the box sends). */
export const ANIMATION = { static: 0, pulseQuarter: 9, pulseEighth: 8, blinkQuarter: 14, blinkEighth: 13 } as const;

const SYSEX_HEAD = [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01] as const;
/** A Push 2 sysex command, F0..F7 framed. */
export const push2Sysex = (command: number, ...args: number[]): number[] => [
  ...SYSEX_HEAD,
  command,
  ...args.map((a) => a & 0x7f),
  0xf7,
];

export const SYSEX = {
  userMode: () => push2Sysex(0x0a, 0x01),
  /** Global LED brightness 0..127 (Push 2 itself caps it at 8 on USB power). */
  ledBrightness: (b: number) => push2Sysex(0x06, Math.max(0, Math.min(127, Math.round(b)))),
  /** Display backlight 0..255. */
  displayBrightness: (b: number) => {
    const v = Math.max(0, Math.min(255, Math.round(b)));
    return push2Sysex(0x08, v & 0x7f, v >> 7);
  },
  /** Palette entry `index` = RGB plus the white LEDs' level, each 0..255 as 7 low + 1 high bit. */
  paletteEntry: (index: number, rgb: number, white: number) => {
    const split = (v: number): number[] => [v & 0x7f, (v >> 7) & 1];
    return push2Sysex(
      0x03,
      index,
      ...split((rgb >> 16) & 0xff),
      ...split((rgb >> 8) & 0xff),
      ...split(rgb & 0xff),
      ...split(white),
    );
  },
  reapplyPalette: () => push2Sysex(0x05),
  /** Asks for statistics; the reply says whether an external power supply is connected. */
  requestStatistics: () => push2Sysex(0x1a, 0x00),
} as const;

/**
 * Reads a "Request Statistics" reply (sysex data without F0/F7): true when Push 2 runs on
 * its external power supply, false on USB power alone, undefined for any other message.
 */
export function externalPowerFromReply(data: Uint8Array): boolean | undefined {
  const head = [0x00, 0x21, 0x1d, 0x01, 0x01, 0x1a];
  if (data.length < head.length + 1 || head.some((b, i) => data[i] !== b)) return undefined;
  return data[head.length] === 1;
}

/** What Push 2 allows on USB power alone (its documentation): LEDs 8 of 127, backlight 100 of 255. */
export const USB_POWER_LIMITS = { led: 8, display: 100 } as const;
