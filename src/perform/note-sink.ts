import { Priority, type Scheduler } from '../clock/scheduler.js';
import type { MidiMessage } from '../midi/message.js';
import type { NoteMove } from './placed-notes.js';

/** One of the engine's notes, handed over ahead of its time; the router knows where its voice plays. */
export interface TimedSend {
  /** Names this entry for `move`. */
  readonly id: number;
  readonly message: MidiMessage;
  readonly voice: string;
  readonly atMs: number;
  /** Groups entries for `cancel` (a turn's note-ons, its note-offs). */
  readonly tag: string;
}

/**
 * Where the performance engine's notes go: a lookahead queue that sends each at its moment.
 * In the box that is the real-time output thread (DIN and USB outputs); in tests, and for
 * outputs with no thread, the main thread's scheduler.
 *
 * Contract: entries leave in (time, order handed over); never before their time. `sendNow`
 * goes out after everything handed over before it that is due, and after every `cancel`
 * handed over before it, so a panic's note-offs cannot be overtaken by the notes it cancelled.
 */
export interface TimedNoteSink {
  sendAt(send: TimedSend): void;
  /** Moves entries still queued to new times; ones already sent stay sent. */
  move(moves: readonly NoteMove[]): void;
  /** Drops entries under `tag` due at or after `fromMs`. */
  cancel(tag: string, fromMs: number): void;
  sendNow(message: MidiMessage, voice: string): void;
}

/** How late scheduled sends left this process (event-loop lateness, before any driver). */
export interface SendTiming {
  sends: number;
  maxLateMs: number;
  over1ms: number;
  over5ms: number;
}

export const emptySendTiming = (): SendTiming => ({ sends: 0, maxLateMs: 0, over1ms: 0, over5ms: 0 });

/**
 * The lookahead queue on the main thread's scheduler: each entry is a scheduler call that
 * sends when it fires. A move re-arms the entry and leaves the old call to find itself stale.
 */
export class SchedulerNoteSink implements TimedNoteSink {
  readonly #queued = new Map<number, { send: TimedSend; atMs: number; generation: number }>();
  readonly timing: SendTiming = emptySendTiming();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly send: (message: MidiMessage, voice: string) => void,
  ) {}

  sendAt(send: TimedSend): void {
    this.#arm(send, send.atMs, 0);
  }

  move(moves: readonly NoteMove[]): void {
    for (const m of moves) {
      const q = this.#queued.get(m.id);
      if (q) this.#arm(q.send, m.atMs, q.generation + 1);
    }
  }

  cancel(tag: string, fromMs: number): void {
    this.scheduler.cancel(tag, fromMs);
    for (const [id, q] of this.#queued) if (q.send.tag === tag && q.atMs >= fromMs) this.#queued.delete(id);
  }

  sendNow(message: MidiMessage, voice: string): void {
    this.send(message, voice);
  }

  #arm(send: TimedSend, atMs: number, generation: number): void {
    this.#queued.set(send.id, { send, atMs, generation });
    this.scheduler.callAt(
      atMs,
      (scheduledMs) => {
        const q = this.#queued.get(send.id);
        if (q?.generation !== generation) return;
        this.#queued.delete(send.id);
        this.send(send.message, send.voice);
        this.#count(this.scheduler.nowMs() - scheduledMs);
      },
      Priority.note,
      send.tag,
    );
  }

  #count(late: number): void {
    const t = this.timing;
    t.sends++;
    t.maxLateMs = Math.max(t.maxLateMs, late);
    if (late > 1) t.over1ms++;
    if (late > 5) t.over5ms++;
  }
}
