import type { TimerHandle, Timers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import type { DisplayLink, DisplayOpener } from './display-link.js';
import type { FrameRenderer } from './frame-renderer.js';
import type { DisplayState } from './render-state.js';

export interface DisplayLoopOptions {
  readonly timers: Timers;
  readonly now: () => number;
  readonly log: Logger;
  readonly opener: DisplayOpener;
  readonly renderer: FrameRenderer;
  readonly state: () => DisplayState;
  /** At most this many frames a second. */
  readonly maxFps: number;
  /** A frame at least this often even when nothing changed: the panel goes black after 2 s. */
  readonly refreshMs?: number;
  /** How long to wait before opening the display again after it failed or was missing. */
  readonly retryMs?: number;
  /**
   * The last frame sent, kept by the owner across loops: a display opened again (a replug)
   * gets it at once, a transfer rather than a render (seconds on a slow CPU), and the fresh
   * frame follows in the next slot.
   */
  readonly lastFrame?: { frame: Uint8Array | undefined };
}

/**
 * A display that is not there yet is looked for again this soon, this many times, before
 * the slower `retryMs`: on a replug the USB interface can come up just after the MIDI ports
 * that told the surface Push 2 is back, and a whole `retryMs` would be lost waiting.
 */
const QUICK_RETRY_MS = 100;
const QUICK_RETRIES = 10;

/** What one frame cost, for the log and the bench. */
export interface FrameTiming {
  readonly renderMs: number;
  readonly encodeMs: number;
  readonly transferMs: number;
}

/**
 * Keeps Push 2's display fed: a frame when the state changed (at most `maxFps`), and one at
 * least every `refreshMs` regardless. Rendering runs in the renderer (a worker thread in the
 * box) and the transfer is asynchronous, so nothing here holds the clock's thread. A failed
 * transfer or a missing display is logged once, the link closed and opened again after
 * `retryMs`; the music never waits for any of it.
 */
export class DisplayLoop {
  #link: DisplayLink | undefined;
  #timer: TimerHandle | undefined;
  #busy = false;
  #dirty = true;
  #lastFrameAt = -Infinity;
  #lastStartAt = -Infinity;
  #nextOpenAt = 0;
  #failing = false;
  #stopped = false;
  /** Opens in a row that found no display. */
  #missed = 0;
  frames = 0;
  failures = 0;
  lastTiming: FrameTiming | undefined;

  constructor(private readonly o: DisplayLoopOptions) {}

  start(): void {
    this.#stopped = false;
    // A short poll, and frames spaced by start time: a frame that took most of its slot does
    // not make the next one wait for a whole extra period.
    this.#timer ??= this.o.timers.every(
      Math.max(1, Math.min(10, Math.floor(1000 / this.o.maxFps / 3))),
      () => void this.#tick(),
    );
  }

  /** The state changed: a frame goes out at the next tick. */
  invalidate(): void {
    this.#dirty = true;
  }

  /** Drops the link (Push 2 unplugged); `start` again reopens it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    const link = this.#link;
    this.#link = undefined;
    await link?.close().catch(() => undefined);
  }

  get connected(): boolean {
    return this.#link !== undefined;
  }

  async #tick(): Promise<void> {
    const now = this.o.now();
    if (this.#busy || this.#stopped || now - this.#lastStartAt < 1000 / this.o.maxFps) return;
    if (!this.#dirty && now - this.#lastFrameAt < (this.o.refreshMs ?? 500)) return;
    this.#busy = true;
    this.#lastStartAt = now;
    try {
      const reopened = this.#link === undefined;
      const link = await this.#ensureLink(now);
      if (!link) return;
      const last = this.o.lastFrame?.frame;
      if (reopened && last) {
        await link.send(last);
        this.#sent();
        return;
      }
      this.#dirty = false;
      const rendered = await this.o.renderer.render(this.o.state());
      const t0 = performance.now();
      await link.send(rendered.frame);
      this.lastTiming = {
        renderMs: rendered.renderMs,
        encodeMs: rendered.encodeMs,
        transferMs: performance.now() - t0,
      };
      if (this.o.lastFrame) this.o.lastFrame.frame = rendered.frame;
      this.#sent();
    } catch (e) {
      this.#failed(e);
    } finally {
      this.#busy = false;
    }
  }

  #sent(): void {
    this.#lastFrameAt = this.o.now();
    this.frames++;
    if (this.#failing) this.o.log.info({ frames: this.frames }, 'Push 2 display: frames go through again');
    this.#failing = false;
  }

  async #ensureLink(now: number): Promise<DisplayLink | undefined> {
    if (this.#link) return this.#link;
    if (now < this.#nextOpenAt) return undefined;
    const retryMs = this.o.retryMs ?? 1000;
    this.#nextOpenAt = now + (this.#missed < QUICK_RETRIES ? Math.min(QUICK_RETRY_MS, retryMs) : retryMs);
    const link = await this.o.opener.open();
    if (!link) {
      this.#missed++;
      if (!this.#failing) this.o.log.warn('Push 2 display not found on USB; retrying');
      this.#failing = true;
      return undefined;
    }
    this.#missed = 0;
    if (this.#stopped) {
      await link.close();
      return undefined;
    }
    this.#link = link;
    this.#dirty = true;
    return link;
  }

  #failed(e: unknown): void {
    this.failures++;
    this.#dirty = true;
    if (!this.#failing)
      this.o.log.warn(
        { err: (e as Error).message },
        'Push 2 display transfer failed; reopening and retrying (logged once until it works)',
      );
    this.#failing = true;
    const link = this.#link;
    this.#link = undefined;
    this.#nextOpenAt = this.o.now() + (this.o.retryMs ?? 1000);
    void link?.close().catch(() => undefined);
  }
}
