/** Raised when a condition awaited by {@link waitFor} does not come true in time. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : ` (last error: ${String(lastError)})`}`,
    );
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  /** Named in the timeout error, e.g. "ALSA client 'Ableton Push 2'". */
  readonly what: string;
  readonly timeoutMs?: number;
  /** Polling period; the default suits sysfs and /proc reads under TCG emulation. */
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false`, and returns that.
 * A probe that throws counts as "not yet"; its last error is kept for the timeout message.
 * Polling (not fixed sleeps) keeps tests fast on KVM and still correct under slow emulation.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { what, timeoutMs = 10_000, intervalMs = 20 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, lastError);
    await sleep(intervalMs);
  }
}

/** A plain delay, for the few places where the kernel gives nothing to poll. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
