import type { TimerHandle, Timers } from '../clock/timers.js';
import type { SynthChild, SynthSpawner } from './synth-process.js';

/** What one start runs with, or why the synth cannot start now (its sound card is absent). */
export type SynthLaunch = { readonly args: readonly string[] } | { readonly cannotStart: string };

export interface SynthSupervisorOptions {
  readonly command: string;
  /**
   * Asked before each start (the first and every restart): the arguments for this start, which
   * may differ from the last (the sound card is chosen anew), or why there is no start now.
   */
  readonly launch: () => SynthLaunch;
  readonly spawn: SynthSpawner;
  readonly timers: Timers;
  readonly now: () => number;
  /** A fresh process is up: send it its settings. */
  readonly started: (child: SynthChild) => void;
  /** The process ended unasked, or could not start; `retryMs` is when the next try is. */
  readonly failed: (why: string, retryMs: number) => void;
  /**
   * `launch` found no way to start (no sound card that can play). It is asked again every
   * 2 s, without backoff, so a card plugged in mid-set is heard within that time.
   */
  readonly waiting: (why: string) => void;
  readonly message?: (line: string) => void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** A synth that ran this long was healthy: the next failure retries quickly again. */
const HEALTHY_AFTER_MS = 30_000;
/**
 * How often a synth with no card looks again. `launch` only reads /proc/asound (microseconds),
 * and no process is started, so there is nothing to back off from; a drummer who plugs in an
 * interface between songs hears it within this time, not after a 30 s backoff.
 */
const CARD_CHECK_MS = 2000;

/**
 * Keeps one synth process running: starts it, and when it exits or cannot start, says why
 * and starts it again after a delay that doubles on each quick failure (a missing soundfont
 * or a crashing FluidSynth must not spin). While there is no sound card to play on, no
 * process is started at all: it waits for one. Nothing here touches the box's notes: they
 * reach the synth over the ALSA sequencer, and the other outputs play on whatever the synth does.
 */
export class SynthSupervisor {
  #child: SynthChild | undefined;
  #retry: TimerHandle | undefined;
  #retryMs = FIRST_RETRY_MS;
  #startedAt = 0;
  #stopped = false;
  #starts = 0;

  constructor(private readonly o: SynthSupervisorOptions) {}

  /** Processes started so far (restarts included). */
  get starts(): number {
    return this.#starts;
  }

  get running(): SynthChild | undefined {
    return this.#child;
  }

  start(): void {
    this.#stopped = false;
    this.#spawn();
  }

  /** Sends a shell command to the running synth; dropped while none runs (it gets full settings when it starts). */
  send(line: string): void {
    this.#child?.write(line);
  }

  stop(): void {
    this.#stopped = true;
    this.#retry?.cancel();
    this.#child?.kill();
    this.#child = undefined;
  }

  #spawn(): void {
    this.#retry = undefined;
    if (this.#stopped) return;
    const launch = this.o.launch();
    if ('cannotStart' in launch) {
      this.o.waiting(launch.cannotStart);
      this.#retry = this.o.timers.after(CARD_CHECK_MS, () => this.#spawn());
      return;
    }
    const child = this.o.spawn(this.o.command, launch.args);
    this.#starts++;
    this.#child = child;
    this.#startedAt = this.o.now();
    child.onMessage((line) => this.o.message?.(line));
    child.onExit((e) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#stopped) return;
      if (this.o.now() - this.#startedAt >= HEALTHY_AFTER_MS) this.#retryMs = FIRST_RETRY_MS;
      this.#again(
        e.error === 'ENOENT'
          ? `${this.o.command} is not installed (apt-get install fluidsynth)`
          : e.error
            ? `${this.o.command} could not start: ${e.error}`
            : `${this.o.command} exited (${e.signal ?? `code ${e.code ?? '?'}`})`,
      );
    });
    if (child.pid !== undefined) this.o.started(child);
  }

  #again(why: string): void {
    const delay = this.#retryMs;
    this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
    this.o.failed(why, delay);
    this.#retry = this.o.timers.after(delay, () => this.#spawn());
  }
}
