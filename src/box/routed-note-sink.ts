import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import { Priority, type Scheduler } from '../clock/scheduler.js';
import { encodeMessage } from '../midi/encoder.js';
import type { MidiMessage } from '../midi/message.js';
import { SchedulerNoteSink, type SendTiming, type TimedNoteSink, type TimedSend } from '../perform/note-sink.js';
import type { NoteMove } from '../perform/placed-notes.js';

/** Where a role's notes go: a destination on an output thread, or a plain send the scheduler times. */
export type NoteRoute =
  | { readonly kind: 'thread'; readonly thread: ClockOutputThread; readonly dest: number }
  | { readonly kind: 'direct'; readonly send: (bytes: Uint8Array) => boolean };

export interface RoutedNoteSinkOptions {
  readonly scheduler: Scheduler;
  /** The outputs `voice` plays on now. */
  readonly routes: (voice: string) => readonly NoteRoute[];
  /** Every output thread, so cancels and moves reach entries whatever their route. */
  readonly threads: () => readonly ClockOutputThread[];
}

/**
 * The box's lookahead queue for the engine's notes: each note is handed, as soon as it is
 * known, to the output thread of every output with its role (DIN, USB MIDI), which sends it
 * at its time whatever the main thread is doing. Outputs with no thread get it from the
 * main thread's scheduler. Immediate sends (a panic's note-offs) go the same way, so they
 * queue behind the cancels handed over before them.
 */
export class RoutedNoteSink implements TimedNoteSink {
  readonly #direct: SchedulerNoteSink;

  constructor(private readonly o: RoutedNoteSinkOptions) {
    this.#direct = new SchedulerNoteSink(o.scheduler, (message, voice) => {
      const bytes = encodeMessage(message);
      for (const r of o.routes(voice)) if (r.kind === 'direct') r.send(bytes);
    });
  }

  /** How late the main thread's own sends were (outputs with no thread only). */
  get directTiming(): SendTiming {
    return this.#direct.timing;
  }

  sendAt(send: TimedSend): void {
    const bytes = encodeMessage(send.message);
    let direct = false;
    for (const r of this.o.routes(send.voice)) {
      if (r.kind === 'thread') r.thread.sendAt(r.dest, bytes, send.atMs, Priority.note, send.tag, send.id);
      else direct = true;
    }
    if (direct) this.#direct.sendAt(send);
  }

  move(moves: readonly NoteMove[]): void {
    if (moves.length === 0) return;
    for (const t of this.o.threads()) t.move(moves);
    this.#direct.move(moves);
  }

  cancel(tag: string, fromMs: number): void {
    for (const t of this.o.threads()) t.cancel(tag, fromMs);
    this.#direct.cancel(tag, fromMs);
  }

  sendNow(message: MidiMessage, voice: string): void {
    const bytes = encodeMessage(message);
    for (const r of this.o.routes(voice)) {
      if (r.kind === 'thread') r.thread.sendAt(r.dest, bytes, 0, Priority.transport);
      else r.send(bytes);
    }
  }
}
