import type { ParameterAddress } from '../control/commands.js';
import { formatValue } from '../control/parameter-math.js';
import type { ParameterState } from '../control/parameter-store.js';
import { parameterNamed } from '../control/parameters.js';
import { drawText, drawTextCentred, fitText, textWidth } from './font.js';
import { fillRect, type RgbImage } from './image.js';
import { COLOURS, type DisplayState } from './render-state.js';

export const CELL_WIDTH = 120;
export const STRIP_HEIGHT = 30;
export const TABS_TOP = 148;

/** The value at an address, as the registry formats it; undefined for an empty slot or unknown voice. */
export function addressText(values: ParameterState, a: ParameterAddress): { label: string; value: string } | undefined {
  const p = parameterNamed(a.param);
  if (!p) return undefined;
  const from = a.voice === undefined ? values.global : values.voices.find((v) => v.name === a.voice)?.values;
  const raw = from?.[a.param] ?? p.default;
  const label = p.scope === 'voice' && a.voice !== undefined ? `${p.short} ${a.voice}` : p.short;
  return { label, value: formatValue(p, raw) };
}

/** The parameter strip under the encoders: each slot's short label and value, the touched one highlighted. */
export function drawStrip(img: RgbImage, s: DisplayState): void {
  const page = s.controls.pages[s.controls.page];
  const touched = s.controls.touched;
  for (let i = 0; i < 8; i++) {
    const x = i * CELL_WIDTH;
    const a = page?.slots[i];
    const isTouched =
      a !== undefined && touched !== undefined && touched.param === a.param && touched.voice === a.voice;
    fillRect(img, x + 1, 0, CELL_WIDTH - 2, STRIP_HEIGHT, isTouched ? COLOURS.stripSelected : COLOURS.strip);
    const text = a && addressText(s.snapshot.parameters, a);
    if (!text) continue;
    drawText(img, fitText(text.label, CELL_WIDTH - 8), x + 5, 3, COLOURS.label);
    const value = fitText(text.value, CELL_WIDTH - 8, 2);
    drawText(img, value, x + 5, 13, COLOURS.value, textWidth(text.value, 2) <= CELL_WIDTH - 8 ? 2 : 1);
  }
}

/** The page names above the buttons that select them. */
export function drawPageTabs(img: RgbImage, s: DisplayState): void {
  s.controls.pages.forEach((p, i) => {
    const selected = i === s.controls.page;
    const x = i * CELL_WIDTH;
    if (selected) fillRect(img, x + 1, TABS_TOP, CELL_WIDTH - 2, 160 - TABS_TOP, COLOURS.stripSelected);
    drawTextCentred(img, p.name, x + CELL_WIDTH / 2, TABS_TOP + 3, selected ? COLOURS.value : COLOURS.dimText);
  });
  if (s.controls.shift) drawText(img, 'SHIFT: fine', 960 - textWidth('SHIFT: fine') - 6, TABS_TOP + 3, COLOURS.warn);
}

/** A touched encoder's parameter, large, over the middle of the display. */
export function drawTouched(img: RgbImage, s: DisplayState): void {
  const a = s.controls.touched;
  const text = a && addressText(s.snapshot.parameters, a);
  if (!text) return;
  const p = parameterNamed(a.param);
  const label = p ? `${p.label}${a.voice !== undefined ? ` (${a.voice})` : ''}` : text.label;
  fillRect(img, 180, STRIP_HEIGHT + 4, 600, TABS_TOP - STRIP_HEIGHT - 8, 0x0a0c10);
  fillRect(img, 180, STRIP_HEIGHT + 4, 600, 2, COLOURS.label);
  drawTextCentred(img, fitText(label, 580, 2), 480, STRIP_HEIGHT + 14, COLOURS.label, 2);
  const scale = textWidth(text.value, 6) <= 580 ? 6 : textWidth(text.value, 4) <= 580 ? 4 : 2;
  drawTextCentred(img, fitText(text.value, 580, scale), 480, STRIP_HEIGHT + 40, COLOURS.value, scale);
}
