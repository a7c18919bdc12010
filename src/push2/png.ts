import { crc32, deflateSync, inflateSync } from 'node:zlib';
import type { RgbImage } from './image.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** A PNG this reader cannot take: names what it found. */
export class PngFormatError extends Error {
  override readonly name = 'PngFormatError';
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

/**
 * An RGB image as a PNG file (8-bit truecolour, filter "none" on every row): enough for
 * documentation snapshots and golden images, with node:zlib doing the compression.
 */
export function encodePng(img: RgbImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const stride = img.width * 3;
  const raw = Buffer.alloc((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Reads an 8-bit RGB or RGBA, non-interlaced PNG (what `encodePng` and common editors
 * write), dropping alpha. Anything else is refused with a PngFormatError.
 */
export function decodePng(file: Uint8Array): RgbImage {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new PngFormatError('not a PNG: bad signature');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new PngFormatError(
          `PNG ${width}x${height}: only 8-bit RGB/RGBA without interlace is read (depth ${depth}, colour type ${colour}, interlace ${interlace})`,
        );
      channels = colour === 2 ? 3 : 4;
    } else if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  if (channels === 0) throw new PngFormatError('PNG has no IHDR chunk');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height)
    throw new PngFormatError(`PNG data too short: ${raw.length} bytes for ${width}x${height}`);
  const rows = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0;
      const a = i >= channels ? (rows[row + i - channels] ?? 0) : 0;
      const b = y > 0 ? (rows[row - stride + i] ?? 0) : 0;
      const c = y > 0 && i >= channels ? (rows[row - stride + i - channels] ?? 0) : 0;
      const predicted =
        filter === 0
          ? 0
          : filter === 1
            ? a
            : filter === 2
              ? b
              : filter === 3
                ? (a + b) >> 1
                : filter === 4
                  ? paeth(a, b, c)
                  : -1;
      if (predicted < 0) throw new PngFormatError(`PNG row ${y}: unknown filter ${filter}`);
      rows[row + i] = (x + predicted) & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height; p++, q += channels) data.set(rows.subarray(q, q + 3), p * 3);
  return { width, height, data };
}
