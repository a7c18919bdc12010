import type { DrumHit } from '../data/drum-windows.js';
import type { SeededRandom } from '../util/seeded-random.js';

/**
 * Drum-aware augmentation of training crops (never of validation). Each transform has its own
 * probability or strength; 0 or absent switches it off. The model sees only which of the nine
 * classes sound on each 16th, so velocity jitter and micro-timing within a step are invisible to
 * it: velocities enter only through ghost-note dropout, and timing only through grid jitter,
 * which moves a hit to the neighbouring 16th when its real onset was near the boundary.
 */
export interface AugmentSettings {
  /** Probability that each hit softer than `ghostVelocity` is dropped from the crop. */
  readonly ghostDrop?: number;
  /** MIDI velocity below which a hit counts as a ghost note (default GHOST_VELOCITY). */
  readonly ghostVelocity?: number;
  /** Probability per crop that closed hi-hat and ride trade places. */
  readonly hatRideSwap?: number;
  /** Probability per crop that the three toms are permuted (a random permutation other than the identity). */
  readonly tomSwap?: number;
  /**
   * Up to this many steps (0..0.5) of uniform noise added to each hit's real onset (step plus its
   * offset from the grid) before it is rounded to the grid again.
   */
  readonly gridJitter?: number;
}

/** GMD's ghost notes (soft snare and hat strokes) sit below this velocity. */
export const GHOST_VELOCITY = 40;

/** Class numbers in the nine-class map (drum-pitch-maps.ts): kick 0 and snare 1 are never moved. */
const CLOSED_HAT = 2;
const RIDE = 8;
const TOMS = [4, 5, 6] as const;
/** The five orders of the toms other than their own (low, mid, high). */
const TOM_PERMUTATIONS = [
  [4, 6, 5],
  [5, 4, 6],
  [5, 6, 4],
  [6, 4, 5],
  [6, 5, 4],
] as const;

/** True when any transform is on. */
export function augmentationActive(settings: AugmentSettings | undefined): settings is AugmentSettings {
  if (!settings) return false;
  return (
    (settings.ghostDrop ?? 0) > 0 ||
    (settings.hatRideSwap ?? 0) > 0 ||
    (settings.tomSwap ?? 0) > 0 ||
    (settings.gridJitter ?? 0) > 0
  );
}

/** A problem with the augmentation options, naming the option. */
export function augmentSettingsError(settings: AugmentSettings): string | undefined {
  const probability = (name: string, v: number | undefined): string | undefined =>
    v !== undefined && !(v >= 0 && v <= 1) ? `${name} must be a probability from 0 to 1, got ${v}` : undefined;
  return (
    probability('--ghost-drop', settings.ghostDrop) ??
    probability('--hat-ride-swap', settings.hatRideSwap) ??
    probability('--tom-swap', settings.tomSwap) ??
    (settings.gridJitter !== undefined && !(settings.gridJitter >= 0 && settings.gridJitter <= 0.5)
      ? `--grid-jitter must be from 0 to 0.5 steps, got ${settings.gridJitter}`
      : undefined) ??
    (settings.ghostVelocity !== undefined && !(settings.ghostVelocity >= 1 && settings.ghostVelocity <= 128)
      ? `--ghost-velocity must be a MIDI velocity from 1 to 128, got ${settings.ghostVelocity}`
      : undefined)
  );
}

/** A training window as augmentation needs it: its hits with velocity and offset, sorted by step. */
export interface AugmentSource {
  readonly length: number;
  readonly hits: readonly DrumHit[];
}

/**
 * The events of steps `start` .. `start + length - 1` of `source`, rebuilt from its hits after the
 * transforms. Draws from `rng` only for the transforms that are on, in a fixed order, so a run is
 * reproducible from its seed and a resumed run draws what an uninterrupted one would.
 */
export function augmentedCrop(
  source: AugmentSource,
  start: number,
  length: number,
  settings: AugmentSettings,
  rng: SeededRandom,
): Uint16Array {
  const classMap = cropClassMap(settings, rng);
  const ghostDrop = settings.ghostDrop ?? 0;
  const ghostVelocity = settings.ghostVelocity ?? GHOST_VELOCITY;
  const jitter = settings.gridJitter ?? 0;
  const events = new Uint16Array(Math.max(0, length));
  // Jitter moves a hit at most one step, so hits one step outside the crop may move into it.
  const reach = jitter > 0 ? 1 : 0;
  for (let i = firstHitAt(source.hits, start - reach); i < source.hits.length; i++) {
    const hit = source.hits[i] as DrumHit;
    if (hit.step >= start + length + reach) break;
    if (ghostDrop > 0 && hit.velocity < ghostVelocity && rng.next() < ghostDrop) continue;
    const step = jitter > 0 ? Math.floor(hit.step + hit.offsetSteps + rng.nextSigned() * jitter + 0.5) : hit.step;
    const at = step - start;
    if (at < 0 || at >= length || step >= source.length) continue;
    events[at] = (events[at] ?? 0) | (1 << (classMap[hit.drumClass] ?? hit.drumClass));
  }
  return events;
}

/** Class → class for one crop: the identity unless a swap was drawn. */
function cropClassMap(settings: AugmentSettings, rng: SeededRandom): number[] {
  const map = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  if ((settings.hatRideSwap ?? 0) > 0 && rng.next() < (settings.hatRideSwap ?? 0)) {
    map[CLOSED_HAT] = RIDE;
    map[RIDE] = CLOSED_HAT;
  }
  if ((settings.tomSwap ?? 0) > 0 && rng.next() < (settings.tomSwap ?? 0)) {
    const order = TOM_PERMUTATIONS[Math.floor(rng.next() * TOM_PERMUTATIONS.length)] ?? TOMS;
    TOMS.forEach((tom, i) => (map[tom] = order[i] ?? tom));
  }
  return map;
}

/** Index of the first hit at or after `step` (hits sorted by step). */
function firstHitAt(hits: readonly DrumHit[], step: number): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hits[mid]?.step ?? 0) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Share of the hits softer than the ghost threshold (reported when a run starts). */
export function ghostShare(sources: readonly AugmentSource[], ghostVelocity = GHOST_VELOCITY): number {
  let ghosts = 0;
  let all = 0;
  for (const s of sources)
    for (const h of s.hits) {
      all++;
      if (h.velocity < ghostVelocity) ghosts++;
    }
  return all === 0 ? 0 : ghosts / all;
}
