import { existsSync } from 'node:fs';
import { ClockOutputThread, type ClockOutputThreadOptions } from './clock-output-thread.js';

/** What an output thread of the box carries: USB MIDI through ALSA, or the DIN UART. */
export type OutputThreadName = 'usb' | 'din';

/**
 * Output threads started before the box is assembled, so that each thread's isolate starts
 * while the main thread is still loading the CLI's and the box's modules (a thread takes
 * 30-120 ms to reach its loop here), not after them. The box takes the ones its config and
 * hardware call for; `releaseUnused` ends the others.
 */
export class PrestartedOutputThreads {
  readonly #waiting = new Map<OutputThreadName, ClockOutputThread>();
  /** When they were started (performance.now(): ms since the process started), for the start-up log. */
  readonly startedAtMs = performance.now();
  readonly #readyAtMs: Partial<Record<OutputThreadName, number>> = {};

  constructor(names: readonly OutputThreadName[], options: ClockOutputThreadOptions = {}) {
    for (const name of names) {
      const thread = new ClockOutputThread(options);
      this.#waiting.set(name, thread);
      void thread.ready().then(() => (this.#readyAtMs[name] = performance.now()));
    }
  }

  /** When each thread reached its loop (performance.now()), for those that have so far. */
  get readyAtMs(): Readonly<Partial<Record<OutputThreadName, number>>> {
    return this.#readyAtMs;
  }

  /** Hands over the thread started for `name` (once); undefined when none was started. */
  take(name: OutputThreadName): ClockOutputThread | undefined {
    const thread = this.#waiting.get(name);
    this.#waiting.delete(name);
    return thread;
  }

  /** The names still waiting to be taken. */
  get waiting(): readonly OutputThreadName[] {
    return [...this.#waiting.keys()];
  }

  /** Ends the threads nobody took (the config turned DIN off, the MIDI backend is not ALSA). */
  async releaseUnused(): Promise<void> {
    const unused = [...this.#waiting.values()];
    this.#waiting.clear();
    await Promise.all(unused.map((t) => t.dispose()));
  }
}

/**
 * The threads `antiphon start` will most likely need, guessed before its config is read: DIN
 * (on by default) and USB where the ALSA sequencer is (openHardware picks the ALSA backend on
 * the same test). A wrong guess costs little: an unused thread is released, and a missing one
 * the box starts itself. SCHED_FIFO, as the box runs them.
 */
export function prestartBoxOutputThreads(): PrestartedOutputThreads {
  const names: OutputThreadName[] = existsSync('/dev/snd/seq') ? ['usb', 'din'] : ['din'];
  return new PrestartedOutputThreads(names, { realtime: true });
}
