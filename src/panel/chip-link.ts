import type { TimerHandle, Timers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';

/** The first retry after a failure; each further one waits twice as long, up to `retryMs`. */
export const FIRST_RETRY_MS = 100;

/**
 * Keeps one I2C chip usable: `run` does an operation while the chip answers. The first
 * failure is logged once with the reason; then the chip is left alone and `init` is retried
 * (quietly) after 100 ms, then twice as long each time up to `retryMs`, until it answers
 * again, which is logged once too: a loose ribbon cable that drops a transfer costs a tenth
 * of a second, an unplugged chip one quiet probe per `retryMs`. Re-running `init` also sets
 * up a chip that lost power. The rest of the panel never waits for a missing chip.
 */
export class ChipLink {
  #up = false;
  #retry: TimerHandle | undefined;
  #stopped = false;
  #delayMs = FIRST_RETRY_MS;
  #everUp = false;
  failures = 0;

  constructor(
    readonly name: string,
    private readonly init: () => Promise<void>,
    private readonly deps: {
      readonly log: Logger;
      readonly timers: Timers;
      readonly retryMs: number;
      /** `[panel] enabled = "auto"`: a chip never found is not a warning (it may not be fitted); one found and lost is. */
      readonly quietUntilFound?: boolean;
    },
  ) {}

  get up(): boolean {
    return this.#up;
  }

  async start(): Promise<void> {
    await this.#attempt(true);
  }

  /** Runs `op` if the chip answers; undefined when it is down or fails now. */
  async run<T>(op: () => Promise<T>): Promise<T | undefined> {
    if (!this.#up || this.#stopped) return undefined;
    try {
      return await op();
    } catch (e) {
      this.#down(e as Error);
      return undefined;
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#retry?.cancel();
  }

  async #attempt(first: boolean): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.init();
      this.#up = true;
      this.#delayMs = FIRST_RETRY_MS;
      if (!first)
        this.deps.log.info({ chip: this.name }, this.#everUp ? 'panel chip answers again' : 'panel chip found');
      this.#everUp = true;
    } catch (e) {
      if (first) this.#down(e as Error);
      else this.#scheduleRetry();
    }
  }

  #down(e: Error): void {
    const wasUp = this.#up || this.failures === 0;
    this.#up = false;
    this.failures++;
    if (wasUp && !this.#everUp && this.deps.quietUntilFound)
      this.deps.log.debug({ chip: this.name, err: e.message }, 'panel chip not found; looking for it quietly');
    else if (wasUp)
      this.deps.log.warn(
        { chip: this.name, err: e.message, retryMs: this.deps.retryMs },
        'panel chip does not answer; retrying, the rest of the panel works',
      );
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    this.#retry?.cancel();
    const delay = Math.min(this.#delayMs, this.deps.retryMs);
    this.#delayMs = Math.min(this.#delayMs * 2, this.deps.retryMs);
    this.#retry = this.deps.timers.after(delay, () => void this.#attempt(false));
  }
}
