import { applyGroove } from './apply-groove.js';
import type { PlacedHit } from '../perform/call-capture.js';

/** A generated hit on the grid, before it gets a feel. */
export interface GridHit {
  readonly step: number;
  readonly drumClass: number;
  readonly pitch: number;
}

/** A hit with feel: velocity and where, relative to its step, it lands. */
export interface FeltHit extends GridHit {
  readonly velocity: number;
  /** -0.5..0.5 steps: negative is ahead of the beat. */
  readonly offsetSteps: number;
}

/**
 * Puts velocity and micro-timing onto quantised model output. The learned groove model
 * (training branch) implements this too; the engine only sees the interface.
 */
export interface Groove {
  readonly name: string;
  apply(
    hits: readonly GridHit[],
    call: readonly PlacedHit[],
    classOf: (pitch: number) => number,
    stepsPerBar: number,
  ): FeltHit[];
}

/** Groove switched off: the answer plays on the grid, every hit at one velocity. */
export const gridGroove: Groove = {
  name: 'off',
  apply: (hits) => applyGroove(hits, { kind: 'off', velocity: GRID_VELOCITY }),
};
const GRID_VELOCITY = 100;

/**
 * The box's swing and volume on top of a groove: off-beat 16ths move later within their 8th
 * (50% straight, 66.7% a triplet shuffle), and velocities scale by `volume` percent.
 */
export function playFeel(
  hits: readonly FeltHit[],
  feel: { readonly swing: number; readonly volume: number },
): FeltHit[] {
  const swingSteps = (feel.swing - 50) / 50;
  return hits.map((h) => ({
    ...h,
    velocity: Math.max(1, Math.min(127, Math.round((h.velocity * feel.volume) / 100))),
    offsetSteps: h.step % 2 === 1 ? h.offsetSteps + swingSteps : h.offsetSteps,
  }));
}

/** What `perform.groove` / `--groove` choose: the model's learned feel, the caller's, or none. */
export type GrooveSetting = 'learned' | 'call' | 'off';

/** The groove for a setting; `learned` falls back to the caller's feel for a model without one. */
export function grooveFor(setting: GrooveSetting, learned: Groove | undefined): Groove {
  if (setting === 'off') return gridGroove;
  if (setting === 'learned' && learned) return learned;
  return callFeelGroove;
}

/** GM-ish defaults by class when the call gives no evidence: kick and snare strong, hats lighter. */
const CLASS_VELOCITY = [100, 96, 72, 80, 90, 90, 90, 104, 76];

/**
 * Answers in the human's own feel: each class plays at the call's average velocity for that
 * class, accented on the beat by the call's own on-beat/off-beat ratio, and each position in
 * the beat (the 4 sixteenths) is pushed or pulled by the call's mean offset there. With no
 * call evidence a hit keeps a plain, slightly accented default.
 */
export const callFeelGroove: Groove = {
  name: 'call-feel',
  apply(hits, call, classOf, stepsPerBar) {
    const velSum = new Float64Array(9);
    const velCount = new Float64Array(9);
    const offSum = new Float64Array(4);
    const offCount = new Float64Array(4);
    let onBeat = 0;
    let onBeatN = 0;
    let offBeat = 0;
    let offBeatN = 0;
    for (const h of call) {
      const cls = classOf(h.pitch);
      if (cls >= 0) {
        velSum[cls] = (velSum[cls] ?? 0) + h.velocity;
        velCount[cls] = (velCount[cls] ?? 0) + 1;
      }
      const pos = ((h.step % 4) + 4) % 4;
      offSum[pos] = (offSum[pos] ?? 0) + h.offsetSteps;
      offCount[pos] = (offCount[pos] ?? 0) + 1;
      if (pos === 0) {
        onBeat += h.velocity;
        onBeatN++;
      } else {
        offBeat += h.velocity;
        offBeatN++;
      }
    }
    const accent =
      onBeatN > 0 && offBeatN > 0 ? Math.max(0.8, Math.min(1.25, onBeat / onBeatN / (offBeat / offBeatN))) : 1.1;
    return hits.map((h) => {
      const n = velCount[h.drumClass] ?? 0;
      const base = n > 0 ? (velSum[h.drumClass] ?? 0) / n : (CLASS_VELOCITY[h.drumClass] ?? 90);
      const pos = h.step % 4;
      const shaped = pos === 0 ? base * Math.sqrt(accent) : base / Math.sqrt(accent);
      const downbeat = h.step % stepsPerBar === 0 ? 1.05 : 1;
      const velocity = Math.max(1, Math.min(127, Math.round(shaped * downbeat)));
      const m = offCount[pos] ?? 0;
      const offsetSteps = m > 0 ? Math.max(-0.45, Math.min(0.45, (offSum[pos] ?? 0) / m)) : 0;
      return { ...h, velocity, offsetSteps };
    });
  },
};

/** Decodes drum events into grid hits with a generator's class pitches. */
export function gridHitsOf(events: Uint16Array, classPitches: readonly number[]): GridHit[] {
  const hits: GridHit[] = [];
  events.forEach((event, step) => {
    for (let cls = 0; cls < classPitches.length; cls++) {
      const pitch = classPitches[cls];
      if ((event & (1 << cls)) !== 0 && pitch !== undefined) hits.push({ step, drumClass: cls, pitch });
    }
  });
  return hits;
}
