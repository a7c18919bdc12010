import { MessageChannel, Worker } from 'node:worker_threads';
import { CLOCK_OUTPUT_THREAD_SOURCE } from './clock-output-thread-source.js';
import type { TickGeneratingOut, TickGrid } from './midi-out.js';

export interface ClockOutputThreadOptions {
  /** How long before a deadline the thread stops sleeping and spins (ms). */
  readonly spinMs?: number;
  /** Run the thread SCHED_FIFO (needs CAP_SYS_NICE); it falls back to normal if refused. */
  readonly realtime?: boolean;
  readonly priority?: number;
}

export interface ClockOutputThreadStats {
  readonly sent: number;
  readonly maxLateMs: number;
  readonly pending: number;
}

type ThreadEvent =
  | { kind: 'priority'; ok: boolean; detail: string }
  | { kind: 'error'; fd: number; code: string }
  | ({ kind: 'stats' } & ClockOutputThreadStats)
  | { kind: 'stopped' };

/**
 * A thread that writes timed bytes to file descriptors (the DIN UART) at their exact time,
 * whatever the main thread is doing. bench/clock.bench.ts chose it: on a loaded machine the
 * main thread's timer+spin is held up by its own event loop and GC, this thread is not.
 */
export class ClockOutputThread {
  private readonly worker: Worker;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessageChannel['port1'];
  private readonly errorListeners: ((fd: number, code: string) => void)[] = [];
  private readonly priorityListeners: ((ok: boolean, detail: string) => void)[] = [];
  private statsWaiters: ((stats: ClockOutputThreadStats) => void)[] = [];
  private stopped = false;
  private readonly online: Promise<void>;

  constructor(options: ClockOutputThreadOptions = {}) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(CLOCK_OUTPUT_THREAD_SOURCE, {
      eval: true,
      workerData: { signal: this.signal.buffer, port: channel.port2, spinMs: options.spinMs ?? 1, realtime: options.realtime ?? false, priority: options.priority ?? 50 },
      transferList: [channel.port2],
    });
    this.worker.on('message', (event: ThreadEvent) => this.onEvent(event));
    this.online = new Promise((resolve) => this.worker.once('online', () => resolve()));
  }

  /** Resolves once the thread runs (start-up takes tens of ms; entries sent before wait). */
  ready(): Promise<void> {
    return this.online;
  }

  sendAt(fd: number, bytes: Uint8Array, atMs: number, priority: number, tag?: string): void {
    this.post({ kind: 'send', fd, bytes, at: atMs, priority, tag });
  }

  cancel(tag: string, fromMs: number): void {
    this.post({ kind: 'cancel', tag, from: fromMs });
  }

  /** Generate F8 to `fd` on `grid` from `fromTick` on, under `id` (replaces an earlier grid). */
  followGrid(id: string, fd: number, grid: TickGrid, fromTick: number): void {
    this.post({ kind: 'grid', id, fd, anchorTick: grid.anchorTick, anchorTime: grid.anchorTimeMs, period: grid.periodMs, from: fromTick });
  }

  stopGrid(id: string): void {
    this.post({ kind: 'grid-stop', id });
  }

  /** A write failed (the port went away); the caller decides what that means. */
  onError(listener: (fd: number, code: string) => void): void {
    this.errorListeners.push(listener);
  }

  onPriority(listener: (ok: boolean, detail: string) => void): void {
    this.priorityListeners.push(listener);
  }

  stats(): Promise<ClockOutputThreadStats> {
    return new Promise((resolve) => {
      this.statsWaiters.push(resolve);
      this.post({ kind: 'stats' });
    });
  }

  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const stoppedEvent = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ kind: 'stop' }, true);
    await stoppedEvent;
    this.port.close();
  }

  private post(message: object, force = false): void {
    if (this.stopped && !force) return;
    this.port.postMessage(message);
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  private onEvent(event: ThreadEvent): void {
    if (event.kind === 'error') for (const listen of this.errorListeners) listen(event.fd, event.code);
    if (event.kind === 'priority') for (const listen of this.priorityListeners) listen(event.ok, event.detail);
    if (event.kind === 'stats') {
      const waiters = this.statsWaiters;
      this.statsWaiters = [];
      for (const resolve of waiters) resolve({ sent: event.sent, maxLateMs: event.maxLateMs, pending: event.pending });
    }
  }
}

/** A file descriptor written on time by a ClockOutputThread: the DIN port's timed side. */
export class ThreadedFdOut implements TickGeneratingOut {
  constructor(
    readonly id: string,
    private readonly fd: () => number | undefined,
    private readonly thread: ClockOutputThread,
  ) {}

  send(bytes: Uint8Array): boolean {
    return this.sendAt(bytes, 0, 0);
  }

  sendAt(bytes: Uint8Array, atMs: number, priority: number, tag?: string): boolean {
    const fd = this.fd();
    if (fd === undefined) return false;
    this.thread.sendAt(fd, bytes, atMs, priority, tag);
    return true;
  }

  cancel(tag: string, fromMs: number): void {
    this.thread.cancel(tag, fromMs);
  }

  followGrid(grid: TickGrid, fromTick: number): void {
    const fd = this.fd();
    if (fd !== undefined) this.thread.followGrid(this.id, fd, grid, fromTick);
  }

  stopTicks(): void {
    this.thread.stopGrid(this.id);
  }
}
