import { ANIMATION, padNote } from './protocol.js';
import { GRID_ROWS, classOfPitch, rowOfClass, type ConversationSection, type GridHit } from './conversation.js';
import { PLAYHEAD_INDEX, playerIndex } from './palette.js';

/** One pad's light: palette index and animation channel. */
export interface PadLight {
  readonly note: number;
  readonly index: number;
  readonly channel: number;
}

/** What the pads show at one 16th. */
export interface PadGridInput {
  /** The song 16th now (integer). */
  readonly step: number;
  /** The call being played (the human's hits so far), while listening. */
  readonly call: readonly GridHit[];
  /** The answer's turns once the exchange is known; shown while one is playing. */
  readonly answer: readonly ConversationSection[];
  /** True while a call has ended and the answer has not begun: the playhead pulses. */
  readonly aboutToAnswer: boolean;
  /** The player who answers next (for the pulse's colour). */
  readonly nextPlayer: number;
}

const COLUMNS = 8;

/**
 * The 8x8 pads as the conversation: one row per drum class (kick at the bottom), one column
 * per 16th of the half bar the song is in, the playhead column lit grey, each hit in its
 * player's colour with brightness by velocity. While an answer plays its turn is shown;
 * otherwise the human's call. Pure: a step and the hits in, 64 lights out.
 */
export function padGrid(input: PadGridInput): PadLight[] {
  const pageStart = Math.floor(input.step / COLUMNS) * COLUMNS;
  const playhead = input.step - pageStart;
  const cells: (GridHit | undefined)[][] = Array.from({ length: GRID_ROWS }, () =>
    new Array<GridHit | undefined>(COLUMNS).fill(undefined),
  );
  const playing = input.answer.find((s) => input.step >= s.startStep && input.step < s.startStep + s.steps);
  const hits = playing ? playing.hits : input.call;
  for (const h of hits) {
    const col = h.step - pageStart;
    const row = rowOfClass(classOfPitch(h.pitch));
    if (row === undefined || col < 0 || col >= COLUMNS) continue;
    const line = cells[row];
    const prev = line?.[col];
    if (line && (!prev || prev.velocity < h.velocity)) line[col] = h;
  }
  const lights: PadLight[] = [];
  for (let row = 0; row < GRID_ROWS; row++) {
    for (let col = 0; col < COLUMNS; col++) {
      const hit = cells[row]?.[col];
      const onPlayhead = col === playhead;
      let index = hit ? playerIndex(hit.player, hit.velocity) : onPlayhead ? PLAYHEAD_INDEX : 0;
      let channel: number = ANIMATION.static;
      if (onPlayhead && !hit && input.aboutToAnswer) {
        index = playerIndex(input.nextPlayer, 100);
        channel = ANIMATION.pulseEighth;
      }
      lights.push({ note: padNote(row, col), index, channel });
    }
  }
  return lights;
}

/** The lights that differ from what the pads show now (`shown` by note), to send only those. */
export function changedLights(next: readonly PadLight[], shown: ReadonlyMap<number, PadLight>): PadLight[] {
  return next.filter((l) => {
    const s = shown.get(l.note);
    return !s || s.index !== l.index || s.channel !== l.channel;
  });
}
