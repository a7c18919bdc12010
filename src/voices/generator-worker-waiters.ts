/** A reply the host waits for: how to settle it, for which model (named in errors), and since when. */
interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  readonly model: string;
  readonly sentMs: number;
}

/**
 * Replies owed by the generator worker, of one kind (loads, generations, memory readings,
 * pings), by request id: each is a promise settled when its reply comes, or rejected all at
 * once when the worker dies.
 */
export class ReplyWaiters<T> {
  readonly #waiting = new Map<number, Waiter<T>>();

  /** A promise for the reply to `id`; `model` names it in errors, `sentMs` dates it for the watchdog. */
  wait(id: number, model: string, sentMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#waiting.set(id, { resolve, reject, model, sentMs }));
  }

  resolve(id: number, value: T): void {
    this.#waiting.get(id)?.resolve(value);
    this.#waiting.delete(id);
  }

  /** Rejects the reply to `id` with the error `make` builds from its model's name. */
  reject(id: number, make: (model: string) => Error): void {
    const w = this.#waiting.get(id);
    this.#waiting.delete(id);
    w?.reject(make(w.model));
  }

  /** The worker is gone: every reply owed fails. */
  rejectAll(make: (model: string) => Error): void {
    for (const w of this.#waiting.values()) w.reject(make(w.model));
    this.#waiting.clear();
  }

  /** When each owed reply was asked for. */
  sentTimes(): number[] {
    return [...this.#waiting.values()].map((w) => w.sentMs);
  }

  /** The model the reply to `id` is for (undefined when none is owed). */
  modelOf(id: number): string | undefined {
    return this.#waiting.get(id)?.model;
  }
}
