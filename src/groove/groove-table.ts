import { DRUM_CLASS_COUNT } from '../model/encoding/drum-pitch-maps.js';

/** Feel of one drum at one position in the bar, learned from human playing. */
export interface GrooveCell {
  readonly count: number;
  readonly velocityMean: number;
  readonly velocityStd: number;
  /** Offset from the grid in steps: positive = behind the beat. */
  readonly offsetMean: number;
  readonly offsetStd: number;
}

/**
 * Velocity and micro-timing per drum class and 16th position in the bar (9 x 16 cells), plus a
 * per-class fallback for cells seen too rarely. Saved next to a model as groove.json.
 */
export interface GrooveTable {
  readonly version: 1;
  readonly stepsPerBar: number;
  /** cells[class][position] */
  readonly cells: readonly (readonly GrooveCell[])[];
  readonly classFallback: readonly GrooveCell[];
  /** Cells with fewer hits than this use the class fallback. */
  readonly minCount: number;
}

export class GrooveTableError extends Error {
  override readonly name = 'GrooveTableError';
}

/** Checks a parsed groove.json; a bad file gets an error naming the field, never a crash later. */
export function validateGrooveTable(value: unknown): GrooveTable {
  const t = value as Partial<GrooveTable> | null;
  if (t === null || typeof t !== 'object' || t.version !== 1)
    throw new GrooveTableError('groove.json: version must be 1');
  if (t.stepsPerBar !== 16) throw new GrooveTableError('groove.json: stepsPerBar must be 16');
  const checkCell = (c: unknown, where: string): void => {
    const cell = c as Partial<GrooveCell> | null;
    for (const key of ['count', 'velocityMean', 'velocityStd', 'offsetMean', 'offsetStd'] as const) {
      if (cell === null || typeof cell !== 'object' || !Number.isFinite(cell[key])) {
        throw new GrooveTableError(`groove.json: ${where}.${key} must be a number`);
      }
    }
  };
  if (!Array.isArray(t.cells) || t.cells.length !== DRUM_CLASS_COUNT)
    throw new GrooveTableError(`groove.json: cells must have ${DRUM_CLASS_COUNT} rows`);
  t.cells.forEach((row, c) => {
    if (!Array.isArray(row) || row.length !== 16)
      throw new GrooveTableError(`groove.json: cells[${c}] must have 16 positions`);
    row.forEach((cell, p) => checkCell(cell, `cells[${c}][${p}]`));
  });
  if (!Array.isArray(t.classFallback) || t.classFallback.length !== DRUM_CLASS_COUNT)
    throw new GrooveTableError('groove.json: classFallback must have 9 entries');
  t.classFallback.forEach((cell, c) => checkCell(cell, `classFallback[${c}]`));
  if (!Number.isFinite(t.minCount)) throw new GrooveTableError('groove.json: minCount must be a number');
  return t as GrooveTable;
}
