import { SYSEX } from './protocol.js';

/**
 * The pad palette the box uploads to Push 2: one colour per player (the human, then each
 * model voice in order), each at four brightness levels, so a pad's note velocity (= palette
 * index) tells who played and how hard. Entries 1..40; the defaults above stay as they are.
 */
export const PLAYER_COLOURS: readonly number[] = [0xffb000, 0x00c8ff, 0xff3ca0, 0x60ff40, 0xb070ff];
export const LEVELS = [0.12, 0.35, 0.65, 1] as const;
const FIRST = 1;
/** A dim grey for the playhead column's empty cells. */
export const PLAYHEAD_INDEX = FIRST + PLAYER_COLOURS.length * LEVELS.length;
export const PLAYHEAD_RGB = 0x303030;
/** Button LEDs (RGB buttons share the palette). */
export const RED_INDEX = 127;
export const GREEN_INDEX = 126;
export const WHITE_INDEX = 122;
/** White-only buttons take a brightness, not a colour. */
export const WHITE_BUTTON = { off: 0, dim: 16, on: 127 } as const;

/** Velocity as one of the four levels. */
export const levelOf = (velocity: number): number => (velocity < 40 ? 0 : velocity < 80 ? 1 : velocity < 110 ? 2 : 3);

/** Palette index for a hit by `player` (0 = the human, 1.. the voices) at `velocity`. */
export function playerIndex(player: number, velocity: number): number {
  const p = ((player % PLAYER_COLOURS.length) + PLAYER_COLOURS.length) % PLAYER_COLOURS.length;
  return FIRST + p * LEVELS.length + levelOf(velocity);
}

const scaled = (rgb: number, f: number): number => {
  const c = (s: number): number => Math.round(((rgb >> s) & 0xff) * f) << s;
  return c(16) | c(8) | c(0);
};

/** Every sysex that sets the box's palette entries, then the one that applies them. */
export function paletteSysex(): number[][] {
  const out: number[][] = [];
  PLAYER_COLOURS.forEach((rgb, p) =>
    LEVELS.forEach((f, l) =>
      out.push(SYSEX.paletteEntry(FIRST + p * LEVELS.length + l, scaled(rgb, f), Math.round(255 * f))),
    ),
  );
  out.push(SYSEX.paletteEntry(PLAYHEAD_INDEX, PLAYHEAD_RGB, 48));
  out.push(SYSEX.reapplyPalette());
  return out;
}
