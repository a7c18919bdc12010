import type { ClockOutputThread } from './clock-output-thread.js';
import type { TickGeneratingOut, TickGrid } from './midi-out.js';

/**
 * An output written on time by a ClockOutputThread. Subclasses say where the thread writes it
 * now; while there is nowhere (a closed UART, a lost port), sends return false.
 */
abstract class ThreadedOut implements TickGeneratingOut {
  constructor(
    readonly id: string,
    protected readonly thread: ClockOutputThread,
  ) {}

  /** The thread's destination for this output now, if it has one. */
  protected abstract destination(): number | undefined;

  send(bytes: Uint8Array): boolean {
    return this.sendAt(bytes, 0, 0);
  }

  sendAt(bytes: Uint8Array, atMs: number, priority: number, tag?: string): boolean {
    const dest = this.destination();
    if (dest === undefined) return false;
    this.thread.sendAt(dest, bytes, atMs, priority, tag);
    return true;
  }

  cancel(tag: string, fromMs: number): void {
    this.thread.cancel(tag, fromMs);
  }

  followGrid(grid: TickGrid, fromTick: number): void {
    const dest = this.destination();
    if (dest !== undefined) this.thread.followGrid(this.id, dest, grid, fromTick);
  }

  stopTicks(): void {
    this.thread.stopGrid(this.id);
  }
}

/** A file descriptor written on time by a ClockOutputThread: the DIN port's timed side. */
export class ThreadedFdOut extends ThreadedOut {
  constructor(
    id: string,
    private readonly fd: () => number | undefined,
    thread: ClockOutputThread,
  ) {
    super(id, thread);
  }

  protected destination(): number | undefined {
    return this.fd();
  }
}

/**
 * A USB MIDI output (ALSA sequencer port) written on time by a ClockOutputThread, which opens
 * the port itself by its RtMidi name. Once the thread reports the port gone (unplugged, or
 * not found), every send returns false; the device layer notices the unplug on its own.
 */
export class ThreadedAlsaOut extends ThreadedOut {
  /** This output's destination on the thread. */
  readonly dest: number;
  private gone = false;
  private readonly unsubscribe: () => void;
  /** Resolves true once the thread has the port open, false if it could not open it. */
  readonly opened: Promise<boolean>;

  constructor(id: string, portName: string, thread: ClockOutputThread, onGone?: (code: string) => void) {
    super(id, thread);
    let settle: (ok: boolean) => void = () => undefined;
    this.opened = new Promise((resolve) => (settle = resolve));
    this.dest = thread.openAlsa(portName, () => settle(true));
    this.unsubscribe = thread.onError((dest, code) => {
      if (dest !== this.dest || this.gone) return;
      this.gone = true;
      this.unsubscribe();
      settle(false);
      onGone?.(code);
    });
  }

  get isOpen(): boolean {
    return !this.gone;
  }

  protected destination(): number | undefined {
    return this.gone ? undefined : this.dest;
  }

  close(): void {
    if (this.gone) return;
    this.gone = true;
    this.unsubscribe();
    this.thread.stopGrid(this.id);
    this.thread.closeAlsa(this.dest);
  }
}
