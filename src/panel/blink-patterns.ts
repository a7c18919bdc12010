import type { BoxProblem } from '../box/bus-types.js';

/**
 * The error LED's patterns, one per problem code, so a musician with no screen can tell a
 * failed model from a full disk: `n` short blinks, then a pause, repeated. The log says the
 * rest. A warning blinks the same count, dimmer on a PWM LED.
 */
export const BLINKS_PER_CODE: Readonly<Record<BoxProblem['code'], number>> = {
  config: 1,
  model: 2,
  device: 3,
  recording: 4,
  settings: 5,
  generation: 6,
  command: 7,
};

export const BLINK_ON_MS = 150;
export const BLINK_OFF_MS = 200;
export const BLINK_PAUSE_MS = 1000;

/** The cycle length of a pattern of `n` blinks. */
export const cycleMs = (n: number): number => n * (BLINK_ON_MS + BLINK_OFF_MS) + BLINK_PAUSE_MS;

/** True when the pattern for `code` is lit `sinceMs` after it started. */
export function blinkLit(code: BoxProblem['code'], sinceMs: number): boolean {
  const n = BLINKS_PER_CODE[code];
  const t = ((sinceMs % cycleMs(n)) + cycleMs(n)) % cycleMs(n);
  if (t >= n * (BLINK_ON_MS + BLINK_OFF_MS)) return false;
  return t % (BLINK_ON_MS + BLINK_OFF_MS) < BLINK_ON_MS;
}

/** How many blinks a lit sequence of samples shows per cycle (for tests and `antiphon panel`). */
export function countBlinks(samples: readonly boolean[]): number {
  let n = 0;
  for (let i = 0; i < samples.length; i++) if (samples[i] && !samples[i - 1]) n++;
  return n;
}
