/**
 * Min-heap of timed entries ordered by (time, priority, insertion order). Equal times keep
 * priority then FIFO order, so a Start queued for the same instant as a clock goes first.
 */
export interface QueueEntry<T> {
  readonly atMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly value: T;
}

const before = <T>(a: QueueEntry<T>, b: QueueEntry<T>): boolean =>
  a.atMs !== b.atMs ? a.atMs < b.atMs : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;

export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, value: T, priority = 0): void {
    const entry = { atMs, priority, seq: this.nextSeq++, value };
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as QueueEntry<T>;
      if (!before(entry, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
  }

  peek(): QueueEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): QueueEntry<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = last;
      let at = -1;
      const left = h[l];
      const right = h[r];
      if (left !== undefined && before(left, smallest)) {
        smallest = left;
        at = l;
      }
      if (right !== undefined && before(right, smallest)) {
        smallest = right;
        at = r;
      }
      if (at < 0) break;
      h[i] = smallest;
      i = at;
    }
    h[i] = last;
    return top;
  }

  /** Removes every entry the predicate matches. */
  removeWhere(match: (value: T, atMs: number) => boolean): number {
    const kept = this.heap.filter((e) => !match(e.value, e.atMs));
    const removed = this.heap.length - kept.length;
    if (removed > 0) {
      this.heap.length = 0;
      for (const e of kept.sort((a, b) => (before(a, b) ? -1 : 1))) this.heap.push(e);
    }
    return removed;
  }
}
