import { applyGroove } from './apply-groove.js';
import type { GrooveTable } from './groove-table.js';
import type { Groove } from './groove.js';

/**
 * The groove learned from the dataset with the model (groove.json beside it): velocity and
 * micro-timing per drum and position in the bar, drawn fresh (seeded) for every response.
 */
export function learnedGroove(table: GrooveTable, seed: number, amount = 1): Groove {
  let draws = 0;
  return {
    name: 'learned',
    apply: (hits, _call, _classOf, stepsPerBar) =>
      applyGroove(
        hits,
        { kind: 'learned', table, seed: seed + 7919 * ++draws, amount },
        (s) => ((s % stepsPerBar) + stepsPerBar) % stepsPerBar,
      ),
  };
}
