import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import { ThreadedAlsaOut } from '../clock/threaded-outs.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { NoteRoute } from './routed-note-sink.js';

/**
 * The USB MIDI outputs' side of the box's note routing: each connected device's output port
 * is opened a second time, by its ALSA name, on the USB output thread (its own sequencer
 * client), so timed notes leave from there. Opened on attach, closed on detach. A port the
 * thread cannot open or loses is logged once, and that device's notes go from the main thread.
 */
export class UsbNoteRoutes {
  readonly #outs = new Map<string, ThreadedAlsaOut>();

  constructor(
    private readonly thread: ClockOutputThread | undefined,
    private readonly log: { info(fields: object, msg: string): void; warn(fields: object, msg: string): void },
  ) {}

  attach(device: ConnectedDevice): void {
    this.#outFor(device);
  }

  detach(device: ConnectedDevice): void {
    const key = device.found.instanceKey;
    this.#outs.get(key)?.close();
    this.#outs.delete(key);
  }

  route(device: ConnectedDevice): NoteRoute | undefined {
    const output = device.output;
    if (!output) return undefined;
    const threaded = this.#outFor(device);
    if (threaded?.isOpen && this.thread) return { kind: 'thread', thread: this.thread, dest: threaded.dest };
    return { kind: 'direct', send: (bytes) => output.send(bytes) };
  }

  /** The device's output on the thread, for the master clock (ticks and transport), while it works. */
  clockOut(device: ConnectedDevice): ThreadedAlsaOut | undefined {
    const out = this.#outFor(device);
    return out?.isOpen ? out : undefined;
  }

  closeAll(): void {
    for (const out of this.#outs.values()) out.close();
    this.#outs.clear();
  }

  #outFor(device: ConnectedDevice): ThreadedAlsaOut | undefined {
    const output = device.output;
    if (!this.thread || !output) return undefined;
    const key = device.found.instanceKey;
    let out = this.#outs.get(key);
    if (!out) {
      const name = device.found.identity;
      out = new ThreadedAlsaOut(`usb:${key}`, output.port.name, this.thread, (code) =>
        this.log.warn(
          { device: name, port: output.port.name, code },
          'USB output thread cannot write this port; its notes go from the main thread',
        ),
      );
      this.#outs.set(key, out);
      void out.opened.then(
        (ok) => ok && this.log.info({ device: name, port: output.port.name }, 'USB output on the output thread'),
      );
    }
    return out;
  }
}
