import type { ClockOutputThread } from '../../clock/clock-output-thread.js';
import type { MidiOut, TimedMidiOut } from '../../clock/midi-out.js';
import { Priority, type Scheduler } from '../../clock/scheduler.js';
import type { TimedMidiMessage } from '../../midi/message.js';
import { TimedMidiDecoder, dinByteDurationMs } from '../../midi/timed-decoder.js';
import type { SerialLink, SerialPortOpener } from '../serial/serial-port.js';
import { SerialOpenError } from '../serial/serial-port.js';

/** The subset of pino's logger the DIN port uses. */
export interface DinLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface DinMidiOptions {
  /** Default /dev/ttyAMA0, the PL011 on the Pi header. */
  readonly path?: string;
  readonly baudRate?: number;
  /** How often to try again after the port failed to open or went away. */
  readonly retryMs?: number;
  /**
   * Write timed bytes (clock, notes) from this thread at their exact time instead of from
   * the main thread's scheduler. Used when the link has a file descriptor (the real UART).
   */
  readonly thread?: ClockOutputThread;
}

export type DinState = 'opening' | 'open' | 'down' | 'disposed';

const DIN_BAUD = 31_250;

/**
 * 5-pin DIN MIDI over the UART: an input (decoded with the codec, each message back-dated by
 * its position in the chunk at 320 us a byte) and a `MidiOut`. It never throws at the box:
 * a missing UART, a port held by a getty, or an adapter that vanishes is logged once with
 * its typed reason and retried every `retryMs` until it works. An unplugged cable cannot be
 * seen on a UART; the clock follower reports it as a lost clock.
 *
 * As a clock output with a ClockOutputThread, hand the master
 * `new ThreadedFdOut('din', () => din.fd, thread)` (the thread then generates the F8s itself)
 * and call `master.refreshOutputs()` from `onOpen`, since a reopened port has a new fd.
 */
export class DinMidiPort implements TimedMidiOut {
  readonly id = 'din';
  readonly path: string;
  private link: SerialLink | undefined;
  private current: DinState = 'down';
  private lastReason: string | undefined;
  private readonly listeners: ((message: TimedMidiMessage) => void)[] = [];
  private readonly openListeners: (() => void)[] = [];
  /** This port as a plain output, for the scheduler's own queue when there is no thread. */
  private readonly direct: MidiOut = { id: 'din', send: (bytes) => this.send(bytes) };

  constructor(
    private readonly opener: SerialPortOpener,
    private readonly scheduler: Scheduler,
    private readonly log: DinLog,
    private readonly options: DinMidiOptions = {},
  ) {
    this.path = options.path ?? '/dev/ttyAMA0';
    options.thread?.onError((fd, code) => {
      const link = this.link;
      if (!link || link.fd !== fd) return;
      this.link = undefined;
      void link.close();
      this.goDown('gone', `clock thread write: ${code}`);
    });
  }

  private get retryTag(): string {
    return `din-retry:${this.path}`;
  }

  get state(): DinState {
    return this.current;
  }

  /** The open port's file descriptor, for off-thread timed writes. */
  get fd(): number | undefined {
    return this.link?.fd;
  }

  onMessage(listener: (message: TimedMidiMessage) => void): void {
    this.listeners.push(listener);
  }

  /** Called on every (re)open: a new fd, so clock threads must be given the grid again. */
  onOpen(listener: () => void): void {
    this.openListeners.push(listener);
  }

  /** Starts opening (and keeps retrying). Resolves after the first attempt, whatever it gave. */
  async start(): Promise<void> {
    if (this.current !== 'down') return;
    this.current = 'opening';
    try {
      const link = await this.opener.open({ path: this.path, baudRate: this.options.baudRate ?? DIN_BAUD });
      if ((this.current as DinState) === 'disposed') {
        await link.close();
        return;
      }
      this.attach(link);
    } catch (error) {
      const reason = error instanceof SerialOpenError ? error.reason : 'other';
      this.goDown(reason, error instanceof Error ? error.message : String(error));
    }
  }

  send(bytes: Uint8Array): boolean {
    return this.link?.write(bytes) ?? false;
  }

  sendAt(bytes: Uint8Array, atMs: number, priority: number, tag?: string): boolean {
    const fd = this.link?.fd;
    const thread = this.options.thread;
    if (thread && fd !== undefined) {
      thread.sendAt(fd, bytes, atMs, priority, tag);
      return true;
    }
    this.scheduler.sendAt(this.direct, bytes, atMs, priority, tag);
    return this.link !== undefined;
  }

  cancel(tag: string, fromMs: number): void {
    this.options.thread?.cancel(tag, fromMs);
  }

  async dispose(): Promise<void> {
    this.current = 'disposed';
    this.scheduler.cancel(this.retryTag);
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private attach(link: SerialLink): void {
    this.link = link;
    this.current = 'open';
    this.lastReason = undefined;
    this.log.info({ path: this.path, backend: this.opener.kind }, 'DIN MIDI open');
    for (const listen of this.openListeners) listen();
    const decoder = new TimedMidiDecoder({ byteDurationMs: dinByteDurationMs });
    const deliver = (timed: TimedMidiMessage): void => {
      for (const listen of this.listeners) listen(timed);
    };
    link.onData((bytes, at) => decoder.feed(bytes, at, deliver));
    link.onClose((error) => {
      if (this.link !== link) return;
      this.link = undefined;
      if (this.current === 'disposed') return;
      this.current = 'down';
      if (error) this.goDown('gone', error.message);
    });
  }

  /** Logs a failure once per distinct reason (not every retry), then schedules a retry. */
  private goDown(reason: string, detail: string): void {
    this.current = 'down';
    if (reason !== this.lastReason)
      this.log.warn({ path: this.path, reason, detail }, 'DIN MIDI unavailable; retrying');
    this.lastReason = reason;
    const retryAt = this.scheduler.nowMs() + (this.options.retryMs ?? 2000);
    this.scheduler.callAt(retryAt, () => void this.start(), Priority.note, this.retryTag);
  }
}
