import type { LoopGuard } from './params.js';
import type { Pending } from './response-pipeline-types.js';
import { hitsPerBar } from './turn.js';

/** Why a loop turn was refused: its density, and which way it was wrong. */
export type LoopGuardReason = {
  readonly density: number;
  readonly sparse: boolean;
};

/**
 * What the loop does with a generated turn: play it; regenerate it hotter (too sparse) or
 * cooler (too dense); start again from the human's call; or give up and stop the loop.
 */
export type LoopVerdict =
  | { readonly kind: 'play' }
  | { readonly kind: 'regenerate'; readonly temperature: number; readonly why: LoopGuardReason }
  | { readonly kind: 'reseed'; readonly why: LoopGuardReason }
  | { readonly kind: 'stop'; readonly why: LoopGuardReason };

/** The death-spiral guard: judges a loop turn's density against the guard's bounds. Pure. */
export function judgeLoopTurn(
  pending: Pending,
  events: Uint16Array,
  stepsPerBar: number,
  guard: LoopGuard,
  humanCallKnown: boolean,
): LoopVerdict {
  const density = hitsPerBar(events, stepsPerBar);
  if (density >= guard.minHitsPerBar && density <= guard.maxHitsPerBar) return { kind: 'play' };
  const sparse = density < guard.minHitsPerBar;
  const why = { density: Math.round(density * 10) / 10, sparse };
  if (pending.attempt < guard.retries) {
    const temperature = Math.max(0.1, Math.min(2, pending.temperature * (sparse ? 1.3 : 0.75)));
    return { kind: 'regenerate', temperature, why };
  }
  if (!pending.reseeded && humanCallKnown) return { kind: 'reseed', why };
  return { kind: 'stop', why };
}
