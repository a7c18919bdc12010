/**
 * A thread the watchdog pings (the clock output threads). The model worker is a probe
 * instead: one JS thread cannot answer while it generates, so its own supervisor judges it.
 */
export interface ThreadCheck {
  /** Named in the log when it fails, e.g. 'din-output-thread'. */
  readonly name: string;
  /** A ping still unanswered after this long fails the check. */
  readonly maxAnswerMs: number;
}

/**
 * A part that watches itself and says when it is beyond help, e.g. the model worker's
 * supervisor, which restarts a hung worker and escalates only when that fails.
 */
export interface HealthProbe {
  /** Named in the log when it fails, e.g. 'model-worker'. */
  readonly name: string;
  /** Why the part is unhealthy now, or undefined while it is healthy. */
  failure(): string | undefined;
}

export interface WatchdogHealthOptions {
  /** The worst event-loop delay tolerated between two evaluations. */
  readonly maxLoopDelayMs: number;
  readonly threads: readonly ThreadCheck[];
  readonly probes?: readonly HealthProbe[];
  readonly log: WatchdogLog;
}

/** Where the watchdog says which check failed (pino's Logger fits). */
export interface WatchdogLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

export interface CheckFailure {
  readonly check: string;
  readonly detail: string;
}

/** What one evaluation decided. */
export interface WatchdogVerdict {
  /** Send WATCHDOG=1 now: every check passed. */
  readonly healthy: boolean;
  /** Threads to ping now (none has a ping outstanding); report answers with `answered()`. */
  readonly ping: readonly string[];
  readonly failures: readonly CheckFailure[];
}

interface ThreadState {
  readonly check: ThreadCheck;
  /** When the outstanding ping went out; undefined when none is outstanding. */
  pingSentMs: number | undefined;
}

/**
 * Decides, from readings it is given, whether the box is healthy enough to pet systemd's
 * watchdog: the event loop was not stalled, every thread answered its last ping in time, and
 * no probe reports a failure.
 * Pure: no timers, no I/O; the times come from the caller (a virtual clock in tests).
 *
 * A thread gets a new ping only once it answered the last one, so a hung thread keeps one
 * ping outstanding and fails once that is older than its `maxAnswerMs`; a thread not yet
 * pinged passes (the first evaluation sends the pings). A check that starts failing is
 * logged once, with its detail, and once more if it recovers; petting resumes only when all
 * checks pass again (systemd restarts the box first if that takes longer than WatchdogSec).
 */
export class WatchdogHealth {
  readonly #options: WatchdogHealthOptions;
  readonly #threads = new Map<string, ThreadState>();
  readonly #failing = new Set<string>();

  constructor(options: WatchdogHealthOptions) {
    this.#options = options;
    for (const check of options.threads) {
      if (this.#threads.has(check.name)) throw new Error(`watchdog: thread check "${check.name}" is listed twice`);
      this.#threads.set(check.name, { check, pingSentMs: undefined });
    }
  }

  /** The thread named answered its outstanding ping. */
  answered(name: string): void {
    const state = this.#threads.get(name);
    if (!state) throw new Error(`watchdog: no thread check named "${name}"`);
    state.pingSentMs = undefined;
  }

  /** Evaluates every check at `nowMs`, given the worst event-loop delay since the last call. */
  evaluate(nowMs: number, loopDelayMs: number): WatchdogVerdict {
    const failures: CheckFailure[] = [];
    const ping: string[] = [];
    if (loopDelayMs > this.#options.maxLoopDelayMs) {
      failures.push({
        check: 'event-loop',
        detail: `delayed ${Math.round(loopDelayMs)} ms (limit ${this.#options.maxLoopDelayMs} ms)`,
      });
    }
    for (const [name, state] of this.#threads) {
      if (state.pingSentMs === undefined) {
        state.pingSentMs = nowMs;
        ping.push(name);
        continue;
      }
      const waited = nowMs - state.pingSentMs;
      if (waited > state.check.maxAnswerMs) {
        failures.push({
          check: name,
          detail: `no answer to a ping for ${Math.round(waited)} ms (limit ${state.check.maxAnswerMs} ms)`,
        });
      }
    }
    for (const probe of this.#options.probes ?? []) {
      const detail = probe.failure();
      if (detail !== undefined) failures.push({ check: probe.name, detail });
    }
    this.#logChanges(failures);
    return { healthy: failures.length === 0, ping, failures };
  }

  #logChanges(failures: readonly CheckFailure[]): void {
    const now = new Set(failures.map((f) => f.check));
    for (const f of failures) {
      if (this.#failing.has(f.check)) continue;
      this.#options.log.warn(
        { check: f.check, detail: f.detail },
        `watchdog: ${f.check} check failed; not petting systemd (it restarts the box after WatchdogSec)`,
      );
    }
    for (const check of this.#failing) {
      if (!now.has(check)) this.#options.log.info({ check }, `watchdog: ${check} check passes again`);
    }
    this.#failing.clear();
    for (const check of now) this.#failing.add(check);
  }
}
