/**
 * How long the model worker may stay silent. One JS thread cannot answer a ping while it
 * runs a generation, so the worker is healthy when it answers a ping within `pingAnswerMs`
 * while idle, or while it works on a request that has waited less than `busyAnswerMs`.
 */
export interface WorkerWatchLimits {
  /** An idle worker answers a ping within this (it answers in well under 1 ms). */
  readonly pingAnswerMs: number;
  /** A worker that owes an answer to a request may say nothing this long (a generation, a model load). */
  readonly busyAnswerMs: number;
  /** Restarts allowed within `restartWindowMs`; one more hang in that window escalates instead. */
  readonly maxRestarts: number;
  readonly restartWindowMs: number;
}

/**
 * The defaults. A generation takes ~5-20 ms, and the worst one the parameters allow (a
 * 64-bar call primed, a 64-bar answer at beam 16) ~0.3 s on the dev machine, a few s on a
 * Pi-class core; a model load (read, pack, warm-up) under 1 s there. 30 s is 5 bars at the
 * tempo knob's slowest 40 BPM (2.5 bars at the lowest typed 20 BPM): no answer can still
 * be of use by then. Three restarts in ten minutes mean the fault is not passing; the box's
 * own restart (systemd) is then the stronger remedy.
 */
export const DEFAULT_WORKER_WATCH_LIMITS: WorkerWatchLimits = {
  pingAnswerMs: 2_000,
  busyAnswerMs: 30_000,
  maxRestarts: 3,
  restartWindowMs: 600_000,
};

/** What the worker's host knows of the work it gave the worker (times in the watch's ms). */
export interface WorkerActivity {
  /** Requests (loads, generations, memory) the worker still owes an answer to. */
  readonly owed: number;
  /** When the oldest owed request was sent; undefined when none is owed. */
  readonly owedSinceMs: number | undefined;
  /** When the worker last said anything (a pong included), or when it was started. */
  readonly lastHeardMs: number;
}

/** What one look decided. */
export interface WorkerWatchStep {
  /** Send the worker a ping now; report its answer with `pong()`. */
  readonly ping: boolean;
  /** Restart the worker now (fail what it owes with `why`, start a new one, load the models again). */
  readonly restart?: { readonly why: string };
}

/**
 * Decides, from readings it is given, whether the model worker hangs, and what to do: ping
 * it, restart it, or give up and let systemd's watchdog restart the box (`failure`). Pure:
 * no timers, no I/O; times come from the caller (a virtual clock in tests).
 *
 * Looks must come more often than `pingAnswerMs`: a look later than that (the main thread
 * was stalled) only notes the time, since the worker's answers may wait unread behind it.
 *
 * A hung worker is restarted at once while restarts remain in the window. It escalates
 * instead, and stays escalated (the box restart is what ends it), when the window's
 * restarts are spent, when a restarted worker hangs before it ever answered a ping (its
 * model loads hang it again), or when the hung thread could not be stopped (`stopFailed`).
 */
export class GeneratorWorkerWatch {
  readonly #limits: WorkerWatchLimits;
  #pingSentMs: number | undefined;
  /** The worker now serving was started by a restart and has not answered a ping yet. */
  #unproven = false;
  readonly #restartsMs: number[] = [];
  #failure: string | undefined;
  #lastCheckMs: number | undefined;

  constructor(limits: WorkerWatchLimits = DEFAULT_WORKER_WATCH_LIMITS) {
    this.#limits = limits;
  }

  /** Why the worker is beyond restarting, once it is (the systemd watchdog then stops petting). */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** One look at `nowMs`. */
  check(nowMs: number, work: WorkerActivity): WorkerWatchStep {
    if (this.#failure !== undefined) return { ping: false };
    // This look comes late: the main thread was held up, and the worker's answers may be
    // queued behind this very timer. They are read before the next look, which judges.
    const late = this.#lastCheckMs !== undefined && nowMs - this.#lastCheckMs > this.#limits.pingAnswerMs;
    this.#lastCheckMs = nowMs;
    if (late) return { ping: false };
    const silentMs = this.#silentMs(nowMs, work);
    if (silentMs === undefined) {
      if (this.#pingSentMs !== undefined) return { ping: false };
      this.#pingSentMs = nowMs;
      return { ping: true };
    }
    const hung = `model worker not answering for ${Math.round(silentMs / 1000)} s`;
    const window = nowMs - this.#limits.restartWindowMs;
    while ((this.#restartsMs[0] ?? Infinity) <= window) this.#restartsMs.shift();
    if (this.#unproven) {
      this.#failure = `${hung} (again, straight after its restart)`;
    } else if (this.#restartsMs.length >= this.#limits.maxRestarts) {
      this.#failure = `${hung} (${this.#restartsMs.length} restarts in ${Math.round(this.#limits.restartWindowMs / 60_000)} min)`;
    }
    if (this.#failure !== undefined) return { ping: false };
    this.#restartsMs.push(nowMs);
    this.#pingSentMs = undefined;
    this.#unproven = true;
    return { ping: false, restart: { why: `${hung}; restarted it` } };
  }

  /** The worker answered the outstanding ping. */
  pong(): void {
    this.#pingSentMs = undefined;
    this.#unproven = false;
  }

  /** The outstanding ping will never be answered (its worker died and was replaced): ping the new one. */
  pingLost(): void {
    this.#pingSentMs = undefined;
  }

  /** The hung worker's thread did not end when told to: restarting did not work. */
  stopFailed(detail: string): void {
    this.#failure ??= `model worker hung and ${detail}`;
  }

  /** How long the worker has been silent past its limit, or undefined while it is within it. */
  #silentMs(nowMs: number, work: WorkerActivity): number | undefined {
    if (work.owed > 0 && work.owedSinceMs !== undefined) {
      const silentMs = nowMs - Math.max(work.lastHeardMs, work.owedSinceMs);
      return silentMs > this.#limits.busyAnswerMs ? silentMs : undefined;
    }
    if (this.#pingSentMs === undefined) return undefined;
    const silentMs = nowMs - Math.max(work.lastHeardMs, this.#pingSentMs);
    return silentMs > this.#limits.pingAnswerMs ? silentMs : undefined;
  }
}
