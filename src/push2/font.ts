import { GLYPHS } from './font-glyphs.js';
import { fillRect, type Rgb, type RgbImage } from './image.js';

export const GLYPH_WIDTH = 5;
/** Seven rows above the baseline and one for descenders. */
export const GLYPH_HEIGHT = 8;
/** Pixels from one character to the next at scale 1. */
export const ADVANCE = GLYPH_WIDTH + 1;

/** Each glyph as 7 or 8 row bitmasks (bit 4 = leftmost pixel), parsed once. */
const ROWS = new Map<string, readonly number[]>(
  Object.entries(GLYPHS).map(([ch, art]) => [
    ch,
    art.split('/').map((row) => [...row].reduce((m, c) => (m << 1) | (c === '#' ? 1 : 0), 0)),
  ]),
);
/** Unknown characters (a model name in another script) show as this. */
const FALLBACK = ROWS.get('?') ?? [];

export const glyphRows = (ch: string): readonly number[] => ROWS.get(ch) ?? FALLBACK;

/** Width of `text` in pixels at `scale` (no trailing gap). */
export const textWidth = (text: string, scale = 1): number =>
  text.length === 0 ? 0 : (text.length * ADVANCE - 1) * scale;

/** Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square. */
export function drawText(img: RgbImage, text: string, x: number, y: number, colour: Rgb, scale = 1): void {
  let cx = x;
  for (const ch of text) {
    const rows = glyphRows(ch);
    rows.forEach((bits, row) => {
      for (let col = 0; col < GLYPH_WIDTH; col++)
        if (bits & (1 << (GLYPH_WIDTH - 1 - col)))
          fillRect(img, cx + col * scale, y + row * scale, scale, scale, colour);
    });
    cx += ADVANCE * scale;
  }
}

/** `text` cut to at most `maxWidth` pixels at `scale`, with a trailing '.' when cut. */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  const chars = Math.max(0, Math.floor((maxWidth / scale + 1) / ADVANCE) - 1);
  return `${text.slice(0, chars)}.`;
}

/** Draws `text` centred on `cx`. */
export function drawTextCentred(img: RgbImage, text: string, cx: number, y: number, colour: Rgb, scale = 1): void {
  drawText(img, text, Math.round(cx - textWidth(text, scale) / 2), y, colour, scale);
}
