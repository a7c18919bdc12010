import { drawText, fitText, textWidth } from './font.js';
import { fillRect, type RgbImage } from './image.js';
import { COLOURS, playerColour, type DisplayState } from './render-state.js';
import { STRIP_HEIGHT, TABS_TOP } from './render-strip.js';

const LEFT = 628;
const WIDTH = 960 - LEFT - 4;

/** Tempo, clock source and lock, engine state, each voice's model, the last generation time. */
export function drawStatus(img: RgbImage, s: DisplayState): void {
  const snap = s.snapshot;
  const top = STRIP_HEIGHT + 6;
  drawText(img, snap.clock.tempo.toFixed(1), LEFT, top, COLOURS.value, 3);
  drawText(img, 'BPM', LEFT + textWidth(snap.clock.tempo.toFixed(1), 3) + 6, top + 14, COLOURS.label);
  const link = snap.clock.link;
  const clock =
    snap.clock.source === 'external'
      ? snap.clock.locked
        ? 'EXT LOCKED'
        : 'EXT'
      : snap.clock.source === 'link'
        ? `LINK ${link?.peers ?? 0}P`
        : 'INT';
  const clockColour = snap.clock.source === 'external' && !snap.clock.locked ? COLOURS.warn : COLOURS.ok;
  drawText(img, `clock ${clock}`, LEFT + 200, top, clockColour);
  const state = snap.engine === 'listening' ? 'LISTENING' : snap.engine === 'responding' ? 'ANSWERING' : 'IDLE';
  drawText(img, state, LEFT + 200, top + 12, snap.engine === 'idle' ? COLOURS.dimText : COLOURS.value);
  let y = top + 30;
  snap.parameters.voices.forEach((v, i) => {
    const line = `${v.name}: ${String(v.values['model'] ?? '?')}  T ${Number(v.values['temperature'] ?? 1).toFixed(2)}`;
    drawText(img, fitText(line, WIDTH), LEFT, y, playerColour(i + 1));
    y += 10;
  });
  const gen = snap.generation.lastMs;
  const stats = `exchanges ${snap.stats.exchanges}  slips ${snap.slips}${gen === undefined ? '' : `  gen ${gen.toFixed(0)} ms`}`;
  drawText(img, fitText(stats, WIDTH), LEFT, Math.min(y + 2, TABS_TOP - 22), COLOURS.dimText);
}

/** DEMO while the box plays to itself; the newest error across the bottom; panic's confirmation prompt. */
export function drawBanners(img: RgbImage, s: DisplayState): void {
  const snap = s.snapshot;
  if (snap.demo) {
    const text = 'DEMO - play a pad to take over';
    fillRect(img, LEFT, TABS_TOP - 14, WIDTH, 12, COLOURS.demo);
    drawText(img, fitText(text, WIDTH - 4), LEFT + 2, TABS_TOP - 12, COLOURS.value);
  }
  const error = [...snap.problems].reverse().find((p) => p.level === 'error');
  if (error) {
    fillRect(img, 0, TABS_TOP - 14, LEFT - 6, 12, COLOURS.error);
    drawText(img, fitText(`${error.code}: ${error.message}`, LEFT - 10), 3, TABS_TOP - 12, COLOURS.value);
  }
  if (s.controls.panicArmedUntil !== undefined) {
    fillRect(img, 160, 60, 640, 40, COLOURS.error);
    const text = 'PANIC? press MUTE again';
    drawText(img, text, 480 - textWidth(text, 3) / 2, 70, COLOURS.value, 3);
  }
}
