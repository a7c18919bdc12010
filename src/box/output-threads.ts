import { ClockOutputThread } from '../clock/clock-output-thread.js';
import type { BoxParts } from './box-parts.js';

/** One real-time output thread and what it serves. */
export interface NamedOutputThread {
  readonly name: 'usb' | 'din';
  readonly thread: ClockOutputThread;
}

/**
 * The box's SCHED_FIFO output threads: one for USB MIDI (on ALSA) and one for DIN (when
 * enabled), only when the parts ask for `realtime`. A thread the CLI started early is adopted.
 */
export class OutputThreads {
  readonly all: NamedOutputThread[] = [];
  readonly usb: ClockOutputThread | undefined;
  readonly din: ClockOutputThread | undefined;

  constructor(
    private readonly parts: Pick<BoxParts, 'outputThreads' | 'adoptOutputThread' | 'hardware' | 'config' | 'log'>,
  ) {
    const realtime = parts.outputThreads === 'realtime';
    this.usb = realtime && parts.hardware.backend.kind === 'alsa' ? this.#thread('usb') : undefined;
    this.din = realtime && parts.config.din.enabled ? this.#thread('din') : undefined;
  }

  /** Resolves once every thread is in its loop. */
  async ready(): Promise<void> {
    await Promise.all(this.all.map((t) => t.thread.ready()));
  }

  /** Ends every thread once it has written what it was given (the panic's note-offs). */
  async dispose(): Promise<void> {
    await Promise.all(this.all.map((t) => t.thread.dispose()));
  }

  #thread(name: 'usb' | 'din'): ClockOutputThread {
    const thread = this.parts.adoptOutputThread?.(name) ?? new ClockOutputThread({ realtime: true });
    const log = this.parts.log;
    thread.onPriority((ok, detail) =>
      ok
        ? log.info({ thread: name }, 'output thread runs SCHED_FIFO')
        : log.warn({ thread: name, detail }, 'output thread stays at normal priority'),
    );
    this.all.push({ name, thread });
    return thread;
  }
}
