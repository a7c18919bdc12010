import { describe, expect, it } from 'vitest';
import { GLYPHS } from './font-glyphs.js';
import { ADVANCE, drawText, fitText, glyphRows, textWidth } from './font.js';
import { createImage, pixelAt } from './image.js';

describe('bitmap font', () => {
  it('has every printable ASCII character as 7 rows of 5 pixels (8 with a descender)', () => {
    for (let c = 32; c < 127; c++) {
      const art = GLYPHS[String.fromCharCode(c)];
      expect(art, `glyph ${String.fromCharCode(c)}`).toBeDefined();
      const rows = (art ?? '').split('/');
      expect(rows.length).toBe('gjpqy,'.includes(String.fromCharCode(c)) ? 8 : 7);
      for (const r of rows) expect(r).toMatch(/^[#.]{5}$/);
    }
  });

  it('draws lit pixels where the glyph has them, scaled', () => {
    const img = createImage(20, 20);
    drawText(img, 'L', 1, 1, 0xffffff, 2);
    // 'L' is a left column and a bottom row.
    expect(pixelAt(img, 1, 1)).toBe(0xffffff);
    expect(pixelAt(img, 2, 14)).toBe(0xffffff);
    expect(pixelAt(img, 9, 14)).toBe(0xffffff);
    expect(pixelAt(img, 9, 1)).toBe(0);
  });

  it('measures and cuts text', () => {
    expect(textWidth('abc')).toBe(3 * ADVANCE - 1);
    expect(textWidth('abc', 2)).toBe(2 * (3 * ADVANCE - 1));
    expect(fitText('temperature', 30)).toBe('temp.');
    expect(textWidth(fitText('temperature', 30))).toBeLessThanOrEqual(30);
    expect(glyphRows('\u00e9')).toEqual(glyphRows('?'));
  });
});
