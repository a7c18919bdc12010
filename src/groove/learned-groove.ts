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
    apply(hits, _call, _classOf, stepsPerBar) {
      const grooved = applyGroove(
        hits.map((h) => ({ drumClass: h.drumClass, note: { pitch: h.pitch, velocity: 0, startStep: h.step, endStep: h.step + 1, offsetSteps: 0, isDrum: true } })),
        { kind: 'learned', table, seed: seed + 7919 * ++draws, amount },
        (s) => ((s % stepsPerBar) + stepsPerBar) % stepsPerBar,
      );
      return grooved.map((n, i) => {
        const h = hits[i];
        return { step: n.startStep, pitch: n.pitch, drumClass: h?.drumClass ?? 0, velocity: n.velocity, offsetSteps: n.offsetSteps };
      });
    },
  };
}
