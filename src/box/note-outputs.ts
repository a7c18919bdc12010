import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import type { Scheduler } from '../clock/scheduler.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { Role } from '../devices/roles.js';
import type { MidiMessage } from '../midi/message.js';
import type { TimedNoteSink } from '../perform/note-sink.js';
import type { BoxClock } from './box-clock.js';
import { RoutedNoteSink, type NoteRoute } from './routed-note-sink.js';
import { UsbNoteRoutes } from './usb-note-routes.js';

export interface NoteOutputsOptions {
  readonly scheduler: Scheduler;
  readonly log: { info(fields: object, msg: string): void; warn(fields: object, msg: string): void };
  readonly usbThread: ClockOutputThread | undefined;
  readonly dinThread: ClockOutputThread | undefined;
  readonly clock: BoxClock;
  /** Where a voice plays now (the registry's per-voice `role`). */
  readonly roleOf: (voice: string) => Role;
  readonly devices: () => readonly ConnectedDevice[];
  /** The built-in synth's channel for a voice (0-based; src/synth's synthVoiceChannels); absent: the voice's own. */
  readonly synthChannelOf?: (voice: string) => number | undefined;
  /** Sends to the USB devices with a role now, tracking their sounding notes (DeviceManager.sendToRole). */
  readonly sendToDevices: (role: Role, message: MidiMessage, source: string) => void;
}

/**
 * The box's one output router: where each voice's notes go (the devices with its role) (USB devices with the role, and
 * DIN out when it has it), timed on the output threads where there are some. It is the
 * timed note sink the engine's session writes to.
 */
export class NoteOutputs {
  readonly sink: TimedNoteSink & { readonly directTiming: object };
  readonly #usb: UsbNoteRoutes;

  constructor(private readonly o: NoteOutputsOptions) {
    this.#usb = new UsbNoteRoutes(o.usbThread, o.log);
    const threads = [o.dinThread, o.usbThread].filter((t): t is ClockOutputThread => t !== undefined);
    this.sink = new RoutedNoteSink({
      scheduler: o.scheduler,
      routes: (voice) => this.#routes(o.roleOf(voice), voice),
      threads: () => threads,
    });
  }

  attach(device: ConnectedDevice): void {
    this.#usb.attach(device);
  }

  detach(device: ConnectedDevice): void {
    this.#usb.detach(device);
  }

  /** A USB device's clock output on the output thread, while that works. */
  clockOut(device: ConnectedDevice): ReturnType<UsbNoteRoutes['clockOut']> {
    return this.#usb.clockOut(device);
  }

  /** Sends now to every output with `role` (USB and DIN). */
  sendToRole(role: Role, message: MidiMessage, source: string): void {
    this.o.sendToDevices(role, message, source);
    this.o.clock.sendToDin(role, message);
  }

  /** How late notes left each sender: the main thread's own, and each output thread's. */
  timing(): object {
    return {
      main: this.sink.directTiming,
      ...(this.o.dinThread ? { din: this.o.dinThread.lateness() } : {}),
      ...(this.o.usbThread ? { usb: this.o.usbThread.lateness() } : {}),
    };
  }

  closeAll(): void {
    this.#usb.closeAll();
  }

  #routes(role: Role, voice: string): NoteRoute[] {
    const out: NoteRoute[] = [];
    const din = this.o.clock.dinNoteRoute(role);
    if (din) out.push(din);
    for (const d of this.o.devices()) {
      const r = d.roles.includes(role) ? this.#usb.route(d) : undefined;
      const synthChannel = r && d.roles.includes('synth') ? this.o.synthChannelOf?.(voice) : undefined;
      if (r) out.push(synthChannel === undefined ? r : { ...r, channel: synthChannel });
    }
    return out;
  }
}
