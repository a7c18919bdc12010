import type { ClockOutputThread } from './clock-output-thread.js';
import type { TickGeneratingOut, TickGrid } from './midi-out.js';

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

/**
 * A USB MIDI output (ALSA sequencer port) written on time by a ClockOutputThread, which opens
 * the port itself by its RtMidi name. Once the thread reports the port gone (unplugged, or
 * not found), every send returns false; the device layer notices the unplug on its own.
 */
export class ThreadedAlsaOut implements TickGeneratingOut {
  /** This output's destination on the thread. */
  readonly dest: number;
  private gone = false;
  private readonly unsubscribe: () => void;
  /** Resolves true once the thread has the port open, false if it could not open it. */
  readonly opened: Promise<boolean>;

  constructor(
    readonly id: string,
    portName: string,
    private readonly thread: ClockOutputThread,
    onGone?: (code: string) => void,
  ) {
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

  send(bytes: Uint8Array): boolean {
    return this.sendAt(bytes, 0, 0);
  }

  sendAt(bytes: Uint8Array, atMs: number, priority: number, tag?: string): boolean {
    if (this.gone) return false;
    this.thread.sendAt(this.dest, bytes, atMs, priority, tag);
    return true;
  }

  cancel(tag: string, fromMs: number): void {
    this.thread.cancel(tag, fromMs);
  }

  followGrid(grid: TickGrid, fromTick: number): void {
    if (!this.gone) this.thread.followGrid(this.id, this.dest, grid, fromTick);
  }

  stopTicks(): void {
    this.thread.stopGrid(this.id);
  }

  close(): void {
    if (this.gone) return;
    this.gone = true;
    this.unsubscribe();
    this.thread.stopGrid(this.id);
    this.thread.closeAlsa(this.dest);
  }
}
