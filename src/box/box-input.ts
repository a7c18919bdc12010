import type { BoxCommand } from '../control/commands.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { DeviceService } from '../devices/device-service.js';
import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import type { BoxClock } from './box-clock.js';
import { routeInput, type InputRules, type InputSource } from './input-router.js';

/** Where routed input goes. */
export interface BoxInputOptions {
  readonly clock: BoxClock;
  readonly devices: DeviceService;
  readonly rules: InputRules;
  /** Converts a device input stamp (hardware.now) to the scheduler's clock. */
  readonly toSchedulerMs: (deviceMs: number) => number;
  /** True for a device whose controls a surface owns (its CCs are not the registry's). */
  readonly surfaceOwns: (profileId: string | undefined) => boolean;
  readonly dispatch: (command: BoxCommand) => void;
  /** A hit from the human, at a time on the scheduler's clock; `from` is 'din' or the device's instance key. */
  readonly hit: (pitch: number, velocity: number, atMs: number, from: string) => void;
}

/**
 * Input from the devices and DIN, routed by the role of where it came from: clock bytes to
 * the clock, hits to the engine, CCs and notes mapped to commands, the human's pad to thru.
 * Surfaces also see every device message (`listeners`).
 */
export class BoxInput {
  readonly listeners = new Set<(d: ConnectedDevice, t: TimedMidiMessage) => void>();

  constructor(private readonly o: BoxInputOptions) {}

  /** One message from a USB MIDI device, at the device's input stamp. */
  device(device: ConnectedDevice, timed: TimedMidiMessage): void {
    const profile = device.found.profile;
    const source = {
      roles: device.roles,
      ccMapped: !this.o.surfaceOwns(profile?.id),
      ...(profile ? { padNotes: profile.padNotes } : {}),
    };
    if (!this.o.clock.deviceMessage(device, timed))
      this.message(source, timed.message, this.o.toSchedulerMs(timed.timeMs), device.found.instanceKey);
    for (const listen of this.listeners) listen(device, timed);
  }

  /** One message from a device (or DIN), at a time on the scheduler's clock. */
  message(source: InputSource, message: MidiMessage, atMs: number, from: string): void {
    for (const r of routeInput(source, message, this.o.rules)) {
      if (r.kind === 'thru') {
        // The device layer echoes a USB human's notes to USB thru itself (it tracks them for unplug).
        if (from === 'din') this.o.devices.manager.sendToRole('thru', r.message, from);
        else this.o.clock.sendToDin('thru', r.message);
      } else if (r.kind === 'command') this.o.dispatch(r.command);
      else if (r.kind === 'hit') this.o.hit(r.pitch, r.velocity, atMs, from);
    }
  }
}
