import type { TimerHandle, Timers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';

/**
 * Keeps one I2C chip usable: `run` does an operation while the chip answers. The first
 * failure is logged once with the reason; then the chip is left alone and `init` is retried
 * every `retryMs` (quietly) until it answers again, which is logged once too. The rest of
 * the panel never waits for a missing chip.
 */
export class ChipLink {
  #up = false;
  #retry: TimerHandle | undefined;
  #stopped = false;
  failures = 0;

  constructor(
    readonly name: string,
    private readonly init: () => Promise<void>,
    private readonly deps: { readonly log: Logger; readonly timers: Timers; readonly retryMs: number },
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
      if (!first) this.deps.log.info({ chip: this.name }, 'panel chip answers again');
    } catch (e) {
      if (first) this.#down(e as Error);
      else this.#scheduleRetry();
    }
  }

  #down(e: Error): void {
    const wasUp = this.#up || this.failures === 0;
    this.#up = false;
    this.failures++;
    if (wasUp)
      this.deps.log.warn(
        { chip: this.name, err: e.message, retryMs: this.deps.retryMs },
        'panel chip does not answer; retrying, the rest of the panel works',
      );
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    this.#retry?.cancel();
    this.#retry = this.deps.timers.after(this.deps.retryMs, () => void this.#attempt(false));
  }
}
