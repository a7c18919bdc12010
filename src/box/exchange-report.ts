import { Priority, type Scheduler } from '../clock/scheduler.js';
import { TICKS_PER_STEP, ticks } from '../clock/units.js';
import { barTick } from '../perform/bars.js';
import type { Exchange, TimelineView } from '../perform/engine-types.js';
import type { BoxEvent, BoxProblem } from './bus-types.js';

export interface ExchangeReportOptions {
  readonly scheduler: Scheduler;
  readonly view: () => TimelineView;
  /** Writes the exchange's file: its path, 'disarmed', or undefined when writing failed. */
  readonly record: (exchange: Exchange) => Promise<string | undefined>;
  readonly emit: (event: BoxEvent) => void;
  readonly problem: (level: BoxProblem['level'], code: BoxProblem['code'], message: string) => void;
  /** Tells the engine the exchange was announced (the demo performer waits for it). */
  readonly exchanged: (exchange: Exchange) => void;
}

/**
 * An exchange is confirmed on its response's downbeat, the busiest instant for the
 * scheduler: announcing and recording it wait half a 16th, between the grid's notes.
 */
export function reportExchange(x: Exchange, o: ExchangeReportOptions): void {
  const view = o.view();
  const downbeat = barTick(x.turns[0]?.startBar ?? 0, view.stepsPerBar);
  const { scheduler } = o;
  scheduler.callAt(
    Math.max(scheduler.nowMs(), view.timeOfTick(ticks(downbeat + TICKS_PER_STEP / 2))),
    () => {
      void o
        .record(x)
        // Disarmed (the Record button), nothing is written and nothing is wrong.
        .then(
          (file) => file === undefined && o.problem('warning', 'recording', `exchange ${x.id} could not be recorded`),
        );
      o.emit({ kind: 'exchange', exchange: x });
      o.exchanged(x);
    },
    Priority.note,
    'exchange-report',
  );
}
