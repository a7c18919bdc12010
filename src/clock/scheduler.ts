import { EventQueue } from './event-queue.js';
import { isTimedMidiOut, type MidiOut, type TimedMidiOut } from './midi-out.js';
import type { MonotonicClock } from './time-source.js';
import type { Wakeup } from './wakeup.js';

/** Ordering of entries due at the same instant: transport before clock before notes. */
export const Priority = { transport: 0, clock: 1, note: 2 } as const;

type Entry =
  | { readonly kind: 'send'; readonly out: MidiOut; readonly bytes: Uint8Array; readonly tag: string | undefined }
  | { readonly kind: 'call'; readonly fn: (scheduledMs: number) => void; readonly tag: string | undefined };

/** Late or failed dispatches, for the log and the bench. */
export interface DispatchReport {
  readonly scheduledMs: number;
  readonly sentMs: number;
  readonly outId: string;
  readonly ok: boolean;
}

/**
 * The one place that touches real time: a queue of "send these bytes at t" and "call me at
 * t", dispatched in time order when a `Wakeup` hands control back. Clock ticks, transport
 * messages and the engine's timed notes share this queue, so they can never reorder.
 * With a `VirtualWakeup` it runs entirely on virtual time.
 */
export class Scheduler {
  private readonly queue = new EventQueue<Entry>();
  private armedFor: number | undefined;
  private dispatching = false;
  private readonly observers: ((report: DispatchReport) => void)[] = [];
  private readonly timedOuts = new Set<TimedMidiOut>();

  constructor(
    readonly clock: MonotonicClock,
    private readonly wakeup: Wakeup,
  ) {}

  nowMs(): number {
    return this.clock.nowMs();
  }

  sendAt(out: MidiOut, bytes: Uint8Array, atMs: number, priority: number = Priority.note, tag?: string): void {
    if (isTimedMidiOut(out)) {
      // It keeps its own time (on its own thread): hand it over now, not at the deadline.
      this.timedOuts.add(out);
      out.sendAt(bytes, atMs, priority, tag);
      return;
    }
    this.queue.push(atMs, { kind: 'send', out, bytes, tag }, priority);
    this.rearm();
  }

  callAt(atMs: number, fn: (scheduledMs: number) => void, priority: number = Priority.note, tag?: string): void {
    this.queue.push(atMs, { kind: 'call', fn, tag }, priority);
    this.rearm();
  }

  /** Drops queued entries with this tag due at or after `fromMs`. Returns how many. */
  cancel(tag: string, fromMs = -Infinity): number {
    for (const out of this.timedOuts) out.cancel(tag, fromMs);
    const n = this.queue.removeWhere((e, at) => e.tag === tag && at >= fromMs);
    this.rearm();
    return n;
  }

  onDispatch(observer: (report: DispatchReport) => void): void {
    this.observers.push(observer);
  }

  get pending(): number {
    return this.queue.size;
  }

  dispose(): void {
    this.wakeup.disarm();
    this.queue.removeWhere(() => true);
    this.armedFor = undefined;
  }

  private runDue(): void {
    this.armedFor = undefined;
    this.dispatching = true;
    try {
      for (
        let head = this.queue.peek();
        head !== undefined && head.atMs <= this.clock.nowMs();
        head = this.queue.peek()
      ) {
        this.queue.pop();
        const entry = head.value;
        if (entry.kind === 'call') {
          entry.fn(head.atMs);
          continue;
        }
        const ok = entry.out.send(entry.bytes);
        if (this.observers.length > 0) {
          const report = { scheduledMs: head.atMs, sentMs: this.clock.nowMs(), outId: entry.out.id, ok };
          for (const observe of this.observers) observe(report);
        }
      }
    } finally {
      this.dispatching = false;
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.dispatching) return;
    const head = this.queue.peek();
    if (head === undefined) {
      this.wakeup.disarm();
      this.armedFor = undefined;
      return;
    }
    if (this.armedFor === head.atMs) return;
    this.armedFor = head.atMs;
    this.wakeup.arm(head.atMs, () => this.runDue());
  }
}
