import { Priority, type Scheduler } from '../clock/scheduler.js';
import { ms, ticks } from '../clock/units.js';
import { TICKS_PER_BEAT, beatAt, beatsPerBar } from '../perform/bars.js';
import type { TimelineView } from '../perform/engine-types.js';

const TAG = 'box-beat';

/**
 * Calls `beat` on every beat of the timeline, at the beat's own scheduled time (LEDs and
 * playheads follow it), from the first beat after `fromMs` until `stopBeats`. Each beat is
 * placed from the timeline again, so a tempo change moves the next one.
 */
export function startBeats(
  scheduler: Scheduler,
  view: TimelineView,
  fromMs: number,
  beat: (bar: number, beatInBar: number, atMs: number) => void,
): void {
  const next = beatAt(view.tickAt(ms(fromMs))) + 1;
  scheduler.callAt(
    view.timeOfTick(ticks(next * TICKS_PER_BEAT)),
    (at) => {
      const perBar = beatsPerBar(view.stepsPerBar);
      beat(Math.floor(next / perBar), next % perBar, at);
      startBeats(scheduler, view, at, beat);
    },
    Priority.clock,
    TAG,
  );
}

export function stopBeats(scheduler: Scheduler): void {
  scheduler.cancel(TAG);
}
