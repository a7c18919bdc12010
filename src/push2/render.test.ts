import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoDisplayState, demoSnapshot } from './demo-state.js';
import { DISPLAY_HEIGHT, DISPLAY_WIDTH } from './frame.js';
import { differingShare, pixelAt, type RgbImage } from './image.js';
import { decodePng, encodePng } from './png.js';
import { renderDisplay } from './render.js';
import type { DisplayState } from './render-state.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
/** Channel difference that still counts as the same pixel, and the share of pixels that may differ. */
const TOLERANCE = { channel: 8, share: 0.002 } as const;

/**
 * Compares with the golden PNG; on a difference writes the rendered image next to the
 * failure message (and, with UPDATE_GOLDEN=1, over the golden) so a person can look.
 */
function expectGolden(name: string, img: RgbImage): void {
  const file = join(GOLDEN, `${name}.png`);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, encodePng(img));
  if (!existsSync(file))
    throw new Error(`no golden image ${file}: run with UPDATE_GOLDEN=1 and look at it before committing`);
  const share = differingShare(decodePng(readFileSync(file)), img, TOLERANCE.channel);
  if (share > TOLERANCE.share) {
    const dir = join(tmpdir(), 'antiphon-push2-golden');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.actual.png`), encodePng(img));
    expect.fail(
      `${name}: ${(share * 100).toFixed(2)}% of pixels differ from ${file}; rendered image written to ${join(dir, `${name}.actual.png`)}`,
    );
  }
}

const withControls = (s: DisplayState, c: Partial<DisplayState['controls']>): DisplayState => ({
  ...s,
  controls: { ...s.controls, ...c },
});

describe('display renderer', () => {
  it('draws 960x160: parameter strip, exchange grid with sparklines, status and page tabs', () => {
    const img = renderDisplay(demoDisplayState());
    expect([img.width, img.height]).toEqual([DISPLAY_WIDTH, DISPLAY_HEIGHT]);
    expectGolden('exchange', img);
  });

  it('shows a touched encoder large, DEMO and an error banner', () => {
    const snap = demoSnapshot({
      demo: true,
      engine: 'listening',
      problems: [{ level: 'error', code: 'model', message: "model 'jazz': weights missing", atMs: 1 }],
    });
    const state = withControls(demoDisplayState(snap), { touched: { param: 'temperature', voice: 'B' } });
    expectGolden('touched-demo-error', renderDisplay(state));
  });

  it('asks for panic confirmation and shows another page', () => {
    const state = withControls(demoDisplayState(demoSnapshot({ lastExchange: undefined }), 2), {
      panicArmedUntil: 5000,
      shift: true,
    });
    expectGolden('panic-page3', renderDisplay(state));
  });

  it('changes when a value changes (the goldens can fail)', () => {
    const a = renderDisplay(demoDisplayState());
    const snap = demoSnapshot();
    const b = renderDisplay(
      demoDisplayState({
        ...snap,
        parameters: { ...snap.parameters, global: { ...snap.parameters.global, mode: 'loop' } },
      }),
    );
    expect(differingShare(a, b, 8)).toBeGreaterThan(0);
    // The strip's mode cell (encoder 7) changed; the tempo area did not.
    expect(differingShare(a, b, 8)).toBeLessThan(0.01);
    expect(pixelAt(a, 700, 120)).toBe(pixelAt(b, 700, 120));
  });

  it('titles each section in its player colour: the call in the human one, A and B in theirs', () => {
    const img = renderDisplay(demoDisplayState());
    const colours = new Set<number>();
    for (let x = 0; x < 620; x++) for (let y = 34; y < 42; y++) colours.add(pixelAt(img, x, y));
    for (const c of [0xffb000, 0x00c8ff, 0xff3ca0])
      expect(
        [...colours].some((p) => p === c),
        `colour ${c.toString(16)}`,
      ).toBe(true);
  });
});
