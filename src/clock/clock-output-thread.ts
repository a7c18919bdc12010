import { createRequire } from 'node:module';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { startWorker } from '../system/start-worker.js';
import type {
  FromOutputThread,
  OutputThreadData,
  OutputThreadStats,
  ToOutputThread,
} from './output-thread-protocol.js';
import { latenessSummary, type LatenessSummary } from './lateness-histogram.js';
import type { TickGrid } from './midi-out.js';

export { ThreadedAlsaOut, ThreadedFdOut } from './threaded-outs.js';

export interface ClockOutputThreadOptions {
  /**
   * Spin this long (ms) before each deadline instead of sleeping to it. 0 (the default):
   * the futex wait itself ends on the deadline; bench:clock measures why (the spin's clock
   * reads allocate, and the GCs they cause are the worst stalls).
   */
  readonly spinMs?: number;
  /** Messages from the main thread are taken in only when the next deadline is this far (ms). */
  readonly drainGuardMs?: number;
  /** Run the thread SCHED_FIFO (needs CAP_SYS_NICE); it falls back to normal if refused. */
  readonly realtime?: boolean;
  readonly priority?: number;
}

export type ClockOutputThreadStats = OutputThreadStats;

/** Lateness bins of 10 us up to 100 ms; the last bin holds everything later. */
const BIN_MS = 0.01;
const BINS = 10_001;

/**
 * A thread that writes timed bytes at their exact time, whatever the main thread is doing:
 * to file descriptors (the DIN UART) and to ALSA sequencer outputs it opens itself (USB
 * MIDI). bench/clock.bench.ts measures it against the alternatives.
 *
 * A destination is a number: a file descriptor (>= 0), or what `openAlsa` returned (< 0).
 * Entries go out in (time, priority, order handed over). A write that fails reports
 * `onError(dest, code)` once and drops that destination's grid (and an ALSA destination).
 */
export class ClockOutputThread {
  private readonly worker: Worker;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly histogram = new Int32Array(new SharedArrayBuffer(4 * BINS));
  private readonly port: MessageChannel['port1'];
  private readonly errorListeners: ((dest: number, code: string) => void)[] = [];
  private readonly priorityListeners: ((ok: boolean, detail: string) => void)[] = [];
  /** The thread's answer on its priority, kept for a listener that comes later (a thread started early). */
  private priority: { readonly ok: boolean; readonly detail: string } | undefined;
  private readonly openedListeners = new Map<number, () => void>();
  private statsWaiters: ((stats: ClockOutputThreadStats) => void)[] = [];
  private stopped = false;
  private nextAlsaDest = -1;
  private readonly online: Promise<void>;

  constructor(options: ClockOutputThreadOptions = {}) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: OutputThreadData = {
      signal: this.signal.buffer as SharedArrayBuffer,
      histogram: this.histogram.buffer as SharedArrayBuffer,
      binMs: BIN_MS,
      port: channel.port2,
      spinMs: options.spinMs ?? 0,
      drainGuardMs: options.drainGuardMs ?? 2,
      realtime: options.realtime ?? false,
      priority: options.priority ?? 50,
      midiModule: resolveMidiModule(),
    };
    // From sources, the compiled thread when it is built: a TypeScript loader in the thread costs seconds under emulation.
    this.worker = startWorker(import.meta.url, './clock-output-worker', {
      workerData: data,
      transferList: [channel.port2],
      fromSources: 'auto',
    });
    this.worker.on('message', (event: FromOutputThread) => this.onEvent(event));
    this.online = new Promise((resolve) =>
      this.worker.on('message', (e: FromOutputThread) => e.kind === 'ready' && resolve()),
    );
  }

  /**
   * Resolves once the thread is in its loop, at its priority (start-up takes tens of ms, more
   * on a loaded machine; entries sent before wait, and may go out late).
   */
  ready(): Promise<void> {
    return this.online;
  }

  /** `id` names the entry for `move` (several destinations may share one). */
  sendAt(dest: number, bytes: Uint8Array, atMs: number, priority: number, tag?: string, id?: number): void {
    this.post({ kind: 'send', dest, bytes, at: atMs, priority, tag, id });
  }

  /** Moves entries still queued under these ids to new times; ones already written stay written. */
  move(moves: readonly { readonly id: number; readonly atMs: number }[]): void {
    if (moves.length > 0) this.post({ kind: 'move', ids: moves.map((m) => m.id), ats: moves.map((m) => m.atMs) });
  }

  cancel(tag: string, fromMs: number): void {
    this.post({ kind: 'cancel', tag, from: fromMs });
  }

  /** Generate F8 to `dest` on `grid` from `fromTick` on, under `id` (replaces an earlier grid). */
  followGrid(id: string, dest: number, grid: TickGrid, fromTick: number): void {
    this.post({
      kind: 'grid',
      id,
      dest,
      anchorTick: grid.anchorTick,
      anchorTime: grid.anchorTimeMs,
      period: grid.periodMs,
      from: fromTick,
    });
  }

  stopGrid(id: string): void {
    this.post({ kind: 'grid-stop', id });
  }

  /**
   * Opens the ALSA sequencer output whose RtMidi port name is `portName` ("Client:Port 20:0")
   * in the thread (its own sequencer client), and returns its destination at once; `onOpened`
   * runs when the port is open. A port that is not there reports onError(dest, 'ENODEV').
   */
  openAlsa(portName: string, onOpened?: () => void): number {
    const dest = this.nextAlsaDest--;
    if (onOpened) this.openedListeners.set(dest, onOpened);
    this.post({ kind: 'open-alsa', dest, name: portName });
    return dest;
  }

  /** Closes an ALSA destination and drops what is still queued for it. */
  closeAlsa(dest: number): void {
    this.post({ kind: 'close-alsa', dest });
  }

  /** A write failed (the port went away); the caller decides what that means. */
  onError(listener: (dest: number, code: string) => void): () => void {
    this.errorListeners.push(listener);
    return () => {
      const i = this.errorListeners.indexOf(listener);
      if (i >= 0) this.errorListeners.splice(i, 1);
    };
  }

  /** Whether the thread got SCHED_FIFO: at once if it has said so already, else when it does. */
  onPriority(listener: (ok: boolean, detail: string) => void): void {
    this.priorityListeners.push(listener);
    if (this.priority) listener(this.priority.ok, this.priority.detail);
  }

  stats(): Promise<ClockOutputThreadStats> {
    return new Promise((resolve) => {
      this.statsWaiters.push(resolve);
      this.post({ kind: 'stats' });
    });
  }

  /** How late every write so far returned, from the thread's own clock read after it. */
  lateness(): LatenessSummary {
    return latenessSummary(this.histogram, BIN_MS);
  }

  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const stoppedEvent = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ kind: 'stop' }, true);
    await stoppedEvent;
    this.port.close();
  }

  private post(message: ToOutputThread, force = false): void {
    if (this.stopped && !force) return;
    this.port.postMessage(message);
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  private onEvent(event: FromOutputThread): void {
    if (event.kind === 'error') for (const listen of [...this.errorListeners]) listen(event.dest, event.code);
    if (event.kind === 'opened') this.openedListeners.get(event.dest)?.();
    if (event.kind === 'opened' || event.kind === 'error') this.openedListeners.delete(event.dest);
    if (event.kind === 'priority') {
      this.priority = { ok: event.ok, detail: event.detail };
      for (const listen of this.priorityListeners) listen(event.ok, event.detail);
    }
    if (event.kind === 'stats') {
      const waiters = this.statsWaiters;
      this.statsWaiters = [];
      for (const resolve of waiters)
        resolve({ sent: event.sent, maxLateMs: event.maxLateMs, early: event.early, pending: event.pending });
    }
  }
}

/** The thread loads the binding only when an ALSA destination is opened; without it, that open fails. */
function resolveMidiModule(): string {
  try {
    return createRequire(import.meta.url).resolve('@julusian/midi');
  } catch {
    return '@julusian/midi';
  }
}
