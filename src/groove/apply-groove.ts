import { SeededRandom } from '../util/seeded-random.js';
import type { FeltHit, GridHit } from './groove.js';
import type { GrooveCell, GrooveTable } from './groove-table.js';

/** How generated hits get their feel. `off` plays the grid at one velocity, as Magenta does. */
export type GrooveMode =
  | { readonly kind: 'off'; readonly velocity: number }
  | { readonly kind: 'learned'; readonly table: GrooveTable; readonly seed: number; readonly amount?: number };

/** Human timing never pushes a hit to the neighbouring 16th. */
const MAX_OFFSET_STEPS = 0.45;

/**
 * Gives generated hits velocity and micro-timing drawn from the learned table for their drum
 * and bar position (seeded: the same seed gives the same performance). `amount` scales the
 * timing deviations (1 = as the drummers played, 0 = on the grid).
 * `positionOf` maps a hit's step to its position in the bar (0..15).
 */
export function applyGroove(
  hits: readonly GridHit[],
  mode: GrooveMode,
  positionOf: (step: number) => number = (s) => ((s % 16) + 16) % 16,
): FeltHit[] {
  if (mode.kind === 'off') return hits.map((hit) => ({ ...hit, velocity: mode.velocity, offsetSteps: 0 }));
  const gauss = gaussian(mode.seed);
  const amount = mode.amount ?? 1;
  return hits.map((hit) => {
    const cell = cellFor(mode.table, hit.drumClass, positionOf(hit.step));
    const velocity = Math.round(clamp(cell.velocityMean + cell.velocityStd * gauss(), 1, 127));
    const offset = clamp(amount * (cell.offsetMean + cell.offsetStd * gauss()), -MAX_OFFSET_STEPS, MAX_OFFSET_STEPS);
    return { ...hit, velocity, offsetSteps: offset };
  });
}

export function cellFor(table: GrooveTable, drumClass: number, position: number): GrooveCell {
  const cell = table.cells[drumClass]?.[position];
  const fallback = table.classFallback[drumClass];
  if (cell && cell.count >= table.minCount) return cell;
  return fallback ?? { count: 0, velocityMean: 90, velocityStd: 0, offsetMean: 0, offsetStd: 0 };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Seeded standard normal (Box-Muller over the shared seeded PRNG). */
function gaussian(seed: number): () => number {
  const rng = new SeededRandom(seed);
  // Shifted half a step off 0 so the logarithm never sees 0.
  const uniform = (): number => rng.next() + 2 ** -33;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
