import { describe, expect, it } from 'vitest';
import { bpm, ms, ticks, type Milliseconds, type Ticks } from '../clock/units.js';
import { PerformanceEngine } from './engine.js';
import type { EngineAction, TimelineView } from './engine-types.js';
import { DEFAULT_PARAMS } from './params.js';
import { FakeDrummer } from './testing.js';
import { steadyTimeline } from './timeline-view.js';

/** A song timeline that can jump, as the box's does when an external clock sends Start. */
function jumpingTimeline() {
  let line = steadyTimeline(bpm(120), 0);
  const view: TimelineView = {
    stepsPerBar: 16,
    tempo: () => line.tempo(),
    timeOfTick: (t: Ticks) => line.timeOfTick(t),
    tickAt: (t: Milliseconds) => line.tickAt(t),
  };
  return { view, restartAt: (zeroMs: number) => (line = steadyTimeline(bpm(120), zeroMs)) };
}

const BAR_MS = 2000;
const ended = (actions: readonly EngineAction[]): boolean =>
  actions.some((a) => a.kind === 'log' && a.msg === 'call ended');

/** Advances the engine every 10 ms from `fromMs` to `toMs`; true if a call ended on the way. */
function advance(engine: PerformanceEngine, fromMs: number, toMs: number): boolean {
  let any = false;
  for (let t = fromMs; t <= toMs; t += 10) any = ended(engine.advance(ms(t))) || any;
  return any;
}

describe('PerformanceEngine after the song timeline jumps back (external Start)', () => {
  it('a panic forgets the old song: the next call ends by silence on the new one', () => {
    const { view, restartAt } = jumpingTimeline();
    const engine = new PerformanceEngine({
      view,
      models: new Map([['default', new FakeDrummer('default')]]),
      params: DEFAULT_PARAMS,
    });
    // An exchange late in the old song (bar 100) leaves the engine's bar bookkeeping there.
    const old = 100 * BAR_MS;
    for (let s = 0; s < 16; s += 4) engine.hit(36, 100, ms(old + s * 125), ms(old + s * 125));
    expect(advance(engine, old, old + 3 * BAR_MS)).toBe(true);
    // The other box sends Start: song position 0 is now.
    const zero = old + 4 * BAR_MS;
    restartAt(zero);
    engine.control({ kind: 'panic' }, ms(zero));
    expect(view.tickAt(ms(zero + BAR_MS))).toBe(ticks(96));
    for (let s = 0; s < 16; s += 4) engine.hit(38, 100, ms(zero + BAR_MS + s * 125), ms(zero + BAR_MS + s * 125));
    expect(advance(engine, zero + BAR_MS, zero + 4 * BAR_MS)).toBe(true);
  });
});
