import { describe, expect, it } from 'vitest';
import {
  DISPLAY_HEIGHT,
  DISPLAY_WIDTH,
  FRAME_BYTES,
  FRAME_HEADER,
  FrameShapeError,
  LINE_BYTES,
  decodeFrame,
  encodeFrame,
  quantize565,
  toBgr565,
} from './frame.js';
import { createImage, setPixel } from './image.js';

const blank = () => createImage(DISPLAY_WIDTH, DISPLAY_HEIGHT);

describe('Push 2 display frame', () => {
  it('has the 16-byte header FF CC AA 88 and twelve zeros', () => {
    expect([...FRAME_HEADER]).toEqual([0xff, 0xcc, 0xaa, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('packs pixels as BGR565: blue in the top bits, red in the bottom', () => {
    expect(toBgr565(255, 0, 0)).toBe(0x001f);
    expect(toBgr565(0, 255, 0)).toBe(0x07e0);
    expect(toBgr565(0, 0, 255)).toBe(0xf800);
  });

  it('writes each pixel little-endian, XORed with E7 F3 E7 FF by byte position', () => {
    const img = blank();
    setPixel(img, 0, 0, 0xff0000); // red: 0x001f
    setPixel(img, 1, 0, 0x0000ff); // blue: 0xf800
    setPixel(img, 2, 3, 0x00ff00); // green: 0x07e0, line 3
    const f = encodeFrame(img);
    expect(f.length).toBe(FRAME_BYTES);
    expect([...f.subarray(0, 4)]).toEqual([0x1f ^ 0xe7, 0x00 ^ 0xf3, 0x00 ^ 0xe7, 0xf8 ^ 0xff]);
    const line3 = 3 * LINE_BYTES;
    expect([f[line3 + 4], f[line3 + 5]]).toEqual([0xe0 ^ 0xe7, 0x07 ^ 0xf3]);
    // A black pixel is the pattern itself.
    expect([...f.subarray(8, 12)]).toEqual([0xe7, 0xf3, 0xe7, 0xff]);
  });

  it('pads every line to 2048 bytes with filler that is XORed too', () => {
    const img = createImage(DISPLAY_WIDTH, DISPLAY_HEIGHT, 0xffffff);
    const f = encodeFrame(img);
    for (const y of [0, 79, 159]) {
      const filler = f.subarray(y * LINE_BYTES + 1920, (y + 1) * LINE_BYTES);
      expect(filler.length).toBe(128);
      expect([...filler]).toEqual(Array.from({ length: 128 }, (_, i) => [0xe7, 0xf3, 0xe7, 0xff][i % 4]));
      // White is 0xFFFF: XOR leaves the pattern's complement.
      expect([f[y * LINE_BYTES], f[y * LINE_BYTES + 1]]).toEqual([0xff ^ 0xe7, 0xff ^ 0xf3]);
    }
  });

  it('round-trips: decoding a frame gives the image as 565 shows it', () => {
    const img = blank();
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37 + (i >> 7)) & 0xff;
    const back = decodeFrame(encodeFrame(img));
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    expect(same(back.data, quantize565(img).data)).toBe(true);
    expect(same(decodeFrame(encodeFrame(back)).data, back.data)).toBe(true);
    img.data[4] = (img.data[4] ?? 0) ^ 0x80;
    expect(same(decodeFrame(encodeFrame(img)).data, back.data)).toBe(false);
  });

  it('refuses an image or a frame of the wrong size, naming both sizes', () => {
    expect(() => encodeFrame(createImage(480, 160))).toThrow(FrameShapeError);
    expect(() => encodeFrame(createImage(480, 160))).toThrow(/960x160.*480x160/);
    expect(() => decodeFrame(new Uint8Array(100))).toThrow(/327680 bytes, got 100/);
  });
});
