import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/perform/engine-types.js';
import { pageExchange, type PageHit } from '../../src/web/page-messages.js';
import { WebSurface } from '../../src/web/web-surface.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';
import { launchChromium } from './chromium.js';
import { SIM_DRUM_PAD } from '../support/sim-devices.js';

const PASSWORD = 'drums';
const BAR_MS = 2000;
const BACKGROUND = [0x0d, 0x11, 0x17];
const COLOURS: Record<string, number[]> = { call: [0xf2, 0xcc, 0x60], A: [0x39, 0xc5, 0xcf] };

/** The page's globals that the test reads (the project compiles without the DOM's types). */
interface PageGlobals {
  antiphonPage?: {
    connected: boolean;
    cellColour(step: number, drum: number): string | undefined;
    plot: { exchange?: { id: number }; plot?: { data: (number | null)[][] } };
  };
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number };
    getElementById(id: string): { clientWidth: number } | null;
    querySelectorAll(s: string): ArrayLike<{ dataset: Record<string, string | undefined> }>;
  };
}

let browser: Browser;
let sim: SimBox | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 900_000);
afterAll(async () => {
  await sim?.box.stop();
  await browser?.close();
});

async function startBox(port: number, tempo: number): Promise<{ sim: SimBox; port: number }> {
  const web = new WebSurface({ enabled: true, port, bind: '127.0.0.1', password: PASSWORD }, { flushMs: 20 });
  sim = await startSimBox({ config: { perform: { tempo_bpm: tempo } }, surfaces: [web] });
  return { sim, port: web.port ?? 0 };
}

/** Plugs a pad and plays a two-bar backbeat on it from the next bar line; returns the exchange the box answered with. */
async function playExchange(s: SimBox): Promise<Exchange> {
  const client = s.backend.plug(SIM_DRUM_PAD);
  await s.run(300);
  await s.run(Math.ceil(s.clock.nowMs() / BAR_MS) * BAR_MS - s.clock.nowMs());
  for (let step = 0; step < 32; step++) {
    const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
    for (const n of notes) s.backend.feed(`${client}:0:input`, [0x99, n, 100]);
    await s.run(BAR_MS / 32);
    for (const n of notes) s.backend.feed(`${client}:0:input`, [0x89, n, 0]);
    await s.run(BAR_MS / 32);
  }
  for (let i = 0; i < 100; i++) {
    const x = s.events.find((e) => e.kind === 'exchange');
    if (x?.kind === 'exchange') {
      await s.run(BAR_MS / 4);
      return x.exchange;
    }
    await s.run(100);
  }
  throw new Error('the box did not answer the call');
}

const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** The colour a hit is drawn in: its player's colour over the background, more opaque when harder. */
function expectedColour(who: string, velocity: number): number[] {
  const a = 0.45 + 0.55 * Math.min(1, velocity / 127);
  return (COLOURS[who] ?? []).map((c, i) => Math.round((BACKGROUND[i] ?? 0) * (1 - a) + c * a));
}

/** How many of `hits` the grid shows in `who`'s colour, of those on screen. */
async function shown(
  page: Page,
  hits: readonly PageHit[],
  who: string,
): Promise<{ onScreen: number; matching: number }> {
  let onScreen = 0;
  let matching = 0;
  for (const h of hits) {
    const hex = await page.evaluate(([s, d]) => (globalThis as unknown as PageGlobals).antiphonPage?.cellColour(s, d), [
      h.step,
      h.drum,
    ] as const);
    if (hex === undefined) continue;
    onScreen++;
    const want = expectedColour(who, h.velocity);
    if (rgb(hex).every((c, i) => Math.abs(c - (want[i] ?? 0)) <= 10)) matching++;
  }
  return { onScreen, matching };
}

async function untilBox(s: SimBox, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(ok()).toBe(true);
  await s.run(100);
}

describe('the live page in headless Chromium', () => {
  it('shows an exchange on the grid and the plot, changes parameters only with the password, and reconnects after a restart', async () => {
    const first = await startBox(0, 120);
    const { port } = first;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).antiphonPage?.connected === true);
    await expect.poll(() => page.textContent('[data-testid=link]')).toBe('live');

    // An exchange: the grid shows the call and voice A's answer in their colours, and the plot both figures.
    const exchange = pageExchange(await playExchange(first.sim));
    await page.waitForFunction(
      (id) => (globalThis as unknown as PageGlobals).antiphonPage?.plot.exchange?.id === id,
      exchange.id,
    );
    const call = await shown(page, exchange.call.hits, 'call');
    const answer = await shown(page, exchange.turns[0]?.hits ?? [], 'A');
    expect(call.onScreen).toBeGreaterThan(5);
    expect(call.matching).toBeGreaterThanOrEqual(call.onScreen * 0.8);
    expect(answer.onScreen).toBeGreaterThan(0);
    expect(answer.matching).toBeGreaterThanOrEqual(answer.onScreen * 0.8);
    const turn = exchange.turns[0];
    const totals = await page.evaluate(() =>
      Array.from(
        (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid=totals] [data-who]'),
        (e) => [e.dataset['who'], Number(e.dataset['total'])],
      ),
    );
    expect(totals).toEqual([
      ['call', turn?.primerLogLikelihood.total],
      ['A', turn?.logLikelihood.total],
    ]);
    const plotted = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).antiphonPage?.plot.plot?.data.map((s) => s.length),
    );
    expect(plotted?.[2]).toBeGreaterThanOrEqual(turn?.logLikelihood.perStep.length ?? 1);
    expect(await page.locator('#plot canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=devices]')).toContain('Drum Pad: human, response');
    await page.screenshot({
      path: process.env['ANTIPHON_PAGE_SCREENSHOT'] ?? join(tmpdir(), 'antiphon-live-page.png'),
      fullPage: true,
    });

    // Without the password: no controls, and a change is refused.
    expect(await page.locator('[data-input="mode"]').count()).toBe(0);
    const refused = await page.evaluate(
      async () =>
        (
          await fetch('/command', {
            method: 'POST',
            body: JSON.stringify({ kind: 'set', param: 'mode', value: 'chain' }),
          })
        ).status,
    );
    expect(refused).toBe(401);
    await page.fill('#password', 'wrong');
    await page.click('#unlock button');
    await expect.poll(() => page.textContent('#unlock-status')).toBe('wrong password');
    expect(first.sim.box.snapshot().parameters.global['mode']).toBe('answer');

    // With it: the page's controls change the registry, and the change comes back on the stream.
    await page.fill('#password', PASSWORD);
    await page.click('#unlock button');
    await page.waitForSelector('[data-input="mode"]');
    await page.selectOption('[data-input="mode"]', 'chain');
    await untilBox(first.sim, () => first.sim.box.snapshot().parameters.global['mode'] === 'chain');
    await page.fill('[data-input="temperature@A"]', '1.5');
    await untilBox(first.sim, () => first.sim.box.snapshot().parameters.voices[0]?.values['temperature'] === 1.5);
    await expect.poll(() => page.textContent('output[data-key="temperature@A"]')).toBe('1.50');
    expect(
      first.sim.events.filter((e) => e.kind === 'parameter').map((e) => e.kind === 'parameter' && e.source),
    ).toEqual(['web', 'web']);

    // A restart: the page sees the box go, finds the new one by itself, and shows its state.
    await first.sim.box.stop();
    await expect.poll(() => page.textContent('[data-testid=link]')).toBe('reconnecting…');
    await startBox(port, 100);
    await expect.poll(() => page.textContent('[data-testid=link]'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => page.textContent('[data-testid=clock]')).toContain('100.0 BPM');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('fits a phone screen: no sideways scrolling, the grid as wide as the screen', async () => {
    const { port } = await startBox(0, 120);
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 3,
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).antiphonPage?.connected === true);
    const { scroll, inner, grid } = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return {
        scroll: w.document.documentElement.scrollWidth,
        inner: w.innerWidth,
        grid: w.document.getElementById('grid')?.clientWidth ?? 0,
      };
    });
    expect(scroll).toBeLessThanOrEqual(inner);
    expect(grid).toBeGreaterThan(inner * 0.8);
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
    expect(
      readFileSync(process.env['ANTIPHON_PAGE_SCREENSHOT'] ?? join(tmpdir(), 'antiphon-live-page.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  }, 60_000);
});
