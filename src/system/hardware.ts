import { existsSync } from 'node:fs';
import { nodeTimers, type Timers } from '../clock/timers.js';
import { AlsaMidiBackend } from '../devices/alsa-backend.js';
import {
  CombinedHotplugSource,
  DevSndHotplugSource,
  UsbHotplugSource,
  type HotplugSource,
} from '../devices/hotplug.js';
import type { MidiBackend } from '../devices/midi-backend.js';
import { NodeSerialPortOpener } from '../devices/serial/node-serial-port.js';
import type { SerialPortOpener } from '../devices/serial/serial-port.js';
import { SimMidiBackend } from '../devices/sim-backend.js';
import { SysfsUsbIdentityReader } from '../devices/usb-identity.js';
import { errorMessage } from '../util/error-message.js';

/** The real devices the box runs on, with what could not be opened and why. */
export interface Hardware {
  readonly backend: MidiBackend;
  readonly hotplug: HotplugSource;
  readonly usb: SysfsUsbIdentityReader;
  /** Opens the DIN MIDI UART; a missing one is DinMidiPort's to log and retry. */
  readonly serial: SerialPortOpener;
  /** The clock device input is stamped with (the backend's), in ms. */
  readonly now: () => number;
  /** Housekeeping timers: device polls and retries. */
  readonly timers: Timers;
  /** Parts that fell back to a stand-in, each with the reason, for the log and the demo banner. */
  readonly missing: readonly string[];
}

/**
 * The composition root for hardware: the only place that picks real implementations.
 * A machine without ALSA or libusb (a laptop, CI) still runs, on an empty port set.
 */
export function openHardware(): Hardware {
  const missing: string[] = [];
  let backend: MidiBackend;
  try {
    // Checked first so a machine without ALSA gets one clear line instead of libasound's noise.
    if (!existsSync('/dev/snd/seq')) throw new Error('no /dev/snd/seq (is snd-seq loaded?)');
    backend = new AlsaMidiBackend();
  } catch (e) {
    missing.push(`MIDI: ${errorMessage(e)}`);
    backend = new SimMidiBackend();
  }
  const sources: HotplugSource[] = [];
  try {
    // libusb reports a missing USB sysfs asynchronously, as an uncaught error: check first.
    if (!existsSync('/sys/bus/usb/devices')) throw new Error('no /sys/bus/usb/devices');
    sources.push(new UsbHotplugSource());
  } catch (e) {
    missing.push(`USB hotplug: ${errorMessage(e)}`);
  }
  try {
    sources.push(new DevSndHotplugSource());
  } catch (e) {
    missing.push(`/dev/snd watch: ${errorMessage(e)}`);
  }
  const hotplug = new CombinedHotplugSource(sources);
  return {
    backend,
    hotplug,
    usb: new SysfsUsbIdentityReader(),
    serial: new NodeSerialPortOpener(),
    now: () => performance.now(),
    timers: nodeTimers,
    missing,
  };
}
