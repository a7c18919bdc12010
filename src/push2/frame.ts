import type { RgbImage } from './image.js';

/** Push 2's display: 960 x 160 pixels. */
export const DISPLAY_WIDTH = 960;
export const DISPLAY_HEIGHT = 160;
/** One line on the wire: 960 pixels of 2 bytes, then 128 bytes of filler. */
export const LINE_BYTES = 2048;
export const FRAME_BYTES = LINE_BYTES * DISPLAY_HEIGHT;
/** Sent before every frame, on the same endpoint. */
export const FRAME_HEADER: Uint8Array = Uint8Array.of(0xff, 0xcc, 0xaa, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
/** Every byte of a line, filler included, is XORed with this pattern, repeating. */
export const XOR_PATTERN: readonly number[] = [0xe7, 0xf3, 0xe7, 0xff];

/** Thrown for an image or frame of the wrong shape: names the size found and the one expected. */
export class FrameShapeError extends Error {
  override readonly name = 'FrameShapeError';
}

/** 8-bit RGB as Push 2's 16-bit pixel: bits 15..11 blue, 10..5 green, 4..0 red. */
export const toBgr565 = (r: number, g: number, b: number): number => ((b >> 3) << 11) | ((g >> 2) << 5) | (r >> 3);

/**
 * Encodes a 960x160 image into the 327,680 pixel bytes of one frame (the header goes
 * separately): BGR565 little-endian, 2048-byte lines, XORed. Writes into `out` when given,
 * so the display loop reuses one buffer.
 */
export function encodeFrame(img: RgbImage, out: Uint8Array = new Uint8Array(FRAME_BYTES)): Uint8Array {
  if (
    img.width !== DISPLAY_WIDTH ||
    img.height !== DISPLAY_HEIGHT ||
    img.data.length !== DISPLAY_WIDTH * DISPLAY_HEIGHT * 3
  )
    throw new FrameShapeError(
      `display image must be ${DISPLAY_WIDTH}x${DISPLAY_HEIGHT} RGB, got ${img.width}x${img.height} with ${img.data.length} bytes`,
    );
  if (out.length !== FRAME_BYTES)
    throw new FrameShapeError(`frame buffer must be ${FRAME_BYTES} bytes, got ${out.length}`);
  const src = img.data;
  for (let y = 0; y < DISPLAY_HEIGHT; y++) {
    let s = y * DISPLAY_WIDTH * 3;
    let o = y * LINE_BYTES;
    // Pixel bytes come in (low, high) pairs and the pattern repeats every 4 bytes, so even
    // pixels take E7 F3 and odd pixels E7 FF.
    for (let x = 0; x < DISPLAY_WIDTH; x++) {
      const p = (((src[s + 2] ?? 0) >> 3) << 11) | (((src[s + 1] ?? 0) >> 2) << 5) | ((src[s] ?? 0) >> 3);
      s += 3;
      out[o] = (p & 0xff) ^ 0xe7;
      out[o + 1] = (p >> 8) ^ (x & 1 ? 0xff : 0xf3);
      o += 2;
    }
    for (let f = DISPLAY_WIDTH * 2; f < LINE_BYTES; f++) out[y * LINE_BYTES + f] = XOR_PATTERN[f & 3] ?? 0;
  }
  return out;
}

/**
 * The image a frame shows (the inverse of `encodeFrame`, up to 565's precision): what a test
 * or the VM's capture compares with the renderer's output. Each channel is widened by
 * repeating its top bits, as a panel would show it.
 */
export function decodeFrame(frame: Uint8Array): RgbImage {
  if (frame.length !== FRAME_BYTES) throw new FrameShapeError(`a frame is ${FRAME_BYTES} bytes, got ${frame.length}`);
  const data = new Uint8Array(DISPLAY_WIDTH * DISPLAY_HEIGHT * 3);
  let d = 0;
  for (let y = 0; y < DISPLAY_HEIGHT; y++) {
    for (let x = 0; x < DISPLAY_WIDTH; x++) {
      const o = y * LINE_BYTES + x * 2;
      const p = ((frame[o] ?? 0) ^ 0xe7) | (((frame[o + 1] ?? 0) ^ (x & 1 ? 0xff : 0xf3)) << 8);
      const r5 = p & 0x1f;
      const g6 = (p >> 5) & 0x3f;
      const b5 = p >> 11;
      data[d++] = (r5 << 3) | (r5 >> 2);
      data[d++] = (g6 << 2) | (g6 >> 4);
      data[d++] = (b5 << 3) | (b5 >> 2);
    }
  }
  return { width: DISPLAY_WIDTH, height: DISPLAY_HEIGHT, data };
}

/** Widens 8-bit RGB to what the panel shows after 565: the renderer's image as it will look. */
export function quantize565(img: RgbImage): RgbImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += 3) {
    const r5 = (img.data[i] ?? 0) >> 3;
    const g6 = (img.data[i + 1] ?? 0) >> 2;
    const b5 = (img.data[i + 2] ?? 0) >> 3;
    data[i] = (r5 << 3) | (r5 >> 2);
    data[i + 1] = (g6 << 2) | (g6 >> 4);
    data[i + 2] = (b5 << 3) | (b5 >> 2);
  }
  return { width: img.width, height: img.height, data };
}
