import { drawText, fitText } from './font.js';
import { dim, drawLine, fillRect, type RgbImage } from './image.js';
import { GRID_ROWS, classOfPitch, exchangeSections, rowOfClass, type ConversationSection } from './conversation.js';
import { COLOURS, playerColour, type DisplayState } from './render-state.js';

const AREA = { x: 4, y: 34, width: 612 } as const;
const ROW_HEIGHT = 7;
const GRID_TOP = AREA.y + 10;
const SPARK_TOP = GRID_TOP + GRID_ROWS * ROW_HEIGHT + 4;
const SPARK_HEIGHT = 30;
const GAP = 6;

/**
 * The last exchange as a drum grid, call then each turn side by side, every hit in its
 * player's colour and brighter for louder; under each section its per-step log-likelihood
 * as a sparkline, with the total in its title.
 */
export function drawExchange(img: RgbImage, s: DisplayState): void {
  const x = s.snapshot.lastExchange;
  if (!x) {
    drawText(
      img,
      'Play a phrase on the pads: the models answer on the next bar line.',
      AREA.x,
      GRID_TOP + 20,
      COLOURS.dimText,
    );
    return;
  }
  const sections = exchangeSections(
    x,
    s.snapshot.parameters.voices.map((v) => v.name),
  );
  const totalSteps = sections.reduce((n, sec) => n + sec.steps, 0);
  const cell = Math.max(
    1,
    Math.min(8, Math.floor((AREA.width - GAP * (sections.length - 1)) / Math.max(1, totalSteps))),
  );
  let left = AREA.x;
  for (const sec of sections) {
    drawSection(img, sec, left, cell, x.stepsPerBar);
    left += sec.steps * cell + GAP;
  }
}

function drawSection(img: RgbImage, sec: ConversationSection, left: number, cell: number, stepsPerBar: number): void {
  const colour = playerColour(sec.player);
  const width = sec.steps * cell;
  const ll = sec.logLikelihood;
  const title = ll ? `${sec.title} ${ll.total.toFixed(1)}` : sec.title;
  drawText(img, fitText(title, Math.max(width, 6)), left, AREA.y, colour);
  for (let r = 0; r <= GRID_ROWS; r++) fillRect(img, left, GRID_TOP + r * ROW_HEIGHT - 1, width, 1, COLOURS.gridLine);
  for (let bar = 0; bar <= sec.steps / stepsPerBar; bar++)
    fillRect(img, left + bar * stepsPerBar * cell, GRID_TOP - 1, 1, GRID_ROWS * ROW_HEIGHT + 1, COLOURS.barLine);
  for (const h of sec.hits) {
    const row = rowOfClass(classOfPitch(h.pitch));
    const step = h.step - sec.startStep;
    if (row === undefined || step < 0 || step >= sec.steps) continue;
    fillRect(
      img,
      left + step * cell + (cell > 2 ? 1 : 0),
      GRID_TOP + row * ROW_HEIGHT,
      Math.max(1, cell - (cell > 2 ? 1 : 0)),
      ROW_HEIGHT - 1,
      dim(colour, 0.25 + (0.75 * h.velocity) / 127),
    );
  }
  if (ll && ll.perStep.length > 0) drawSparkline(img, ll.perStep, left, width, colour, cell);
}

/** Per-step log-likelihood from 0 (top: expected) down to the section's lowest (surprising). */
function drawSparkline(
  img: RgbImage,
  perStep: readonly number[],
  left: number,
  width: number,
  colour: number,
  cell: number,
): void {
  const lowest = Math.min(-1, ...perStep);
  const yOf = (v: number): number => SPARK_TOP + Math.round((Math.min(0, v) / lowest) * (SPARK_HEIGHT - 1));
  fillRect(img, left, SPARK_TOP + SPARK_HEIGHT, width, 1, COLOURS.gridLine);
  const n = Math.min(perStep.length, Math.max(1, Math.floor(width / cell)));
  // Steps beyond the section's width (a primer longer than the call) are left out.
  const from = perStep.length - n;
  let prev: { x: number; y: number } | undefined;
  for (let i = 0; i < n; i++) {
    const point = { x: left + i * cell + Math.floor(cell / 2), y: yOf(perStep[from + i] ?? 0) };
    if (prev) drawLine(img, prev.x, prev.y, point.x, point.y, colour);
    else fillRect(img, point.x, point.y, 1, 1, colour);
    prev = point;
  }
}
