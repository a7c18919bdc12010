import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createImage, fillRect } from './image.js';
import { PngFormatError, decodePng, encodePng } from './png.js';

describe('PNG', () => {
  it('writes a PNG that reads back pixel for pixel', () => {
    const img = createImage(17, 5, 0x102030);
    fillRect(img, 3, 1, 4, 2, 0xff8000);
    const file = encodePng(img);
    expect([...file.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const back = decodePng(file);
    expect(back.width).toBe(17);
    expect(back.height).toBe(5);
    expect(back.data).toEqual(img.data);
  });

  it('reads rows written with the other filters (as editors write them)', () => {
    // 2x2 RGB, row 0 with filter 1 (sub), row 1 with filter 2 (up).
    const raw = Uint8Array.of(1, 10, 20, 30, 5, 5, 5, 2, 1, 1, 1, 2, 2, 2);
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(2, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const chunk = (type: string, body: Uint8Array): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      return Buffer.concat([len, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]);
    };
    const file = Buffer.concat([
      encodePng(createImage(1, 1)).subarray(0, 8),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect([...decodePng(file).data]).toEqual([10, 20, 30, 15, 25, 35, 11, 21, 31, 17, 27, 37]);
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodePng(Uint8Array.of(1, 2, 3))).toThrow(PngFormatError);
  });
});
