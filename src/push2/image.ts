/** An 8-bit RGB image, row-major, 3 bytes a pixel: what the renderer draws and the PNG writer reads. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A colour as 0xRRGGBB. */
export type Rgb = number;

export function createImage(width: number, height: number, fill: Rgb = 0): RgbImage {
  const image = { width, height, data: new Uint8Array(width * height * 3) };
  if (fill !== 0) fillRect(image, 0, 0, width, height, fill);
  return image;
}

/** Fills a rectangle, clipped to the image. */
export function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, colour: Rgb): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.floor(x + w));
  const y1 = Math.min(img.height, Math.floor(y + h));
  const r = (colour >> 16) & 0xff;
  const g = (colour >> 8) & 0xff;
  const b = colour & 0xff;
  for (let yy = y0; yy < y1; yy++) {
    let i = (yy * img.width + x0) * 3;
    for (let xx = x0; xx < x1; xx++) {
      img.data[i++] = r;
      img.data[i++] = g;
      img.data[i++] = b;
    }
  }
}

export function setPixel(img: RgbImage, x: number, y: number, colour: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 3;
  img.data[i] = (colour >> 16) & 0xff;
  img.data[i + 1] = (colour >> 8) & 0xff;
  img.data[i + 2] = colour & 0xff;
}

export function pixelAt(img: RgbImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 3;
  return ((img.data[i] ?? 0) << 16) | ((img.data[i + 1] ?? 0) << 8) | (img.data[i + 2] ?? 0);
}

/** A line from (x0,y0) to (x1,y1), one pixel wide (Bresenham). */
export function drawLine(img: RgbImage, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xe = Math.round(x1);
  const ye = Math.round(y1);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    setPixel(img, x, y, colour);
    if (x === xe && y === ye) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** `colour` scaled towards black: `f` 0..1. */
export function dim(colour: Rgb, f: number): Rgb {
  const k = Math.max(0, Math.min(1, f));
  const c = (shift: number): number => Math.round(((colour >> shift) & 0xff) * k) << shift;
  return c(16) | c(8) | c(0);
}

/**
 * How far two images differ: the share of pixels whose channels differ by more than
 * `tolerance` (0..255). Images of different sizes differ entirely.
 */
export function differingShare(a: RgbImage, b: RgbImage, tolerance: number): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      if (Math.abs((a.data[i + c] ?? 0) - (b.data[i + c] ?? 0)) > tolerance) {
        differing++;
        break;
      }
    }
  }
  return differing / (a.width * a.height);
}
