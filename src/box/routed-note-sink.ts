import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import { Priority, type Scheduler } from '../clock/scheduler.js';
import { encodeMessage } from '../midi/encoder.js';
import type { MidiMessage } from '../midi/message.js';
import { SchedulerNoteSink, type SendTiming, type TimedNoteSink, type TimedSend } from '../perform/note-sink.js';
import type { NoteMove } from '../perform/placed-notes.js';

/**
 * Where a role's notes go: a destination on an output thread, or a plain send the scheduler
 * times. `channel` (0-based), where set, is the channel the voice plays on there instead of
 * its own (the built-in synth gives each voice its own channel, so its own kit).
 */
export type NoteRoute = (
  | { readonly kind: 'thread'; readonly thread: ClockOutputThread; readonly dest: number }
  | { readonly kind: 'direct'; readonly send: (bytes: Uint8Array) => boolean }
) & { readonly channel?: number };

/** A channel message's bytes moved to the route's channel; anything else as it is. */
function onRouteChannel(bytes: Uint8Array, route: NoteRoute): Uint8Array {
  const status = bytes[0] ?? 0;
  if (route.channel === undefined || status < 0x80 || status >= 0xf0) return bytes;
  const moved = Uint8Array.from(bytes);
  moved[0] = (status & 0xf0) | (route.channel & 0x0f);
  return moved;
}

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
      for (const r of o.routes(voice)) if (r.kind === 'direct') r.send(onRouteChannel(bytes, r));
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
      if (r.kind === 'thread')
        r.thread.sendAt(r.dest, onRouteChannel(bytes, r), send.atMs, Priority.note, send.tag, send.id);
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
      if (r.kind === 'thread') r.thread.sendAt(r.dest, onRouteChannel(bytes, r), 0, Priority.transport);
      else r.send(onRouteChannel(bytes, r));
    }
  }
}
