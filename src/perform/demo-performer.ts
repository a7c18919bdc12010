import type { Scheduler } from '../clock/scheduler.js';
import { Priority } from '../clock/scheduler.js';
import type { Exchange, TimelineView } from './engine-types.js';
import { DEMO_CALLS } from './demo-call.js';
import type { PerformanceSession } from './session.js';
import { barTime, nextBarAfter } from './bars.js';

const TAG = 'demo-performer';

/**
 * Stands in for the human when no pad is plugged in: plays a built-in call into the
 * session (the very path a pad's hits take), waits for the answer, then plays the next
 * call a bar after the last response ends.
 */
export class DemoPerformer {
  #next = 0;
  #running = false;

  constructor(
    private readonly session: PerformanceSession,
    private readonly scheduler: Scheduler,
    private readonly view: TimelineView,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  /** Starts with a call on the first bar line at least `leadBars` ahead. */
  start(leadBars = 1): void {
    this.#running = true;
    const now = this.scheduler.nowMs();
    const bar = nextBarAfter(now, this.view) + leadBars - 1;
    this.#playCall(bar);
  }

  stop(): void {
    this.#running = false;
    this.scheduler.cancel(TAG);
  }

  /** Feed every exchange here; the demo answers back after the last turn. */
  exchanged(x: Exchange): void {
    if (!this.#running) return;
    const end = Math.max(x.call.startBar + x.call.bars, ...x.turns.map((t) => t.startBar + t.bars));
    this.#playCall(end + 1);
  }

  #playCall(startBar: number): void {
    const call = DEMO_CALLS[this.#next++ % DEMO_CALLS.length] ?? [];
    const stepMs = (barTime(startBar + 1, this.view) - barTime(startBar, this.view)) / this.view.stepsPerBar;
    for (const h of call) {
      const at = barTime(startBar + h.bar, this.view) + h.step * stepMs + h.offsetMs;
      this.scheduler.callAt(at, () => this.session.hit(h.pitch, h.velocity, at), Priority.note, TAG);
    }
  }
}
