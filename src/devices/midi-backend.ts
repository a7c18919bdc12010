import type { UsbIdentity } from './usb-identity.js';

/**
 * The MIDI port seam. One real implementation (ALSA sequencer via @julusian/midi) and one
 * in-memory simulator; `test/contract/midi-backend.contract.ts` holds both to this contract.
 *
 * Contract:
 * - `listPorts()` is a snapshot; port ids are stable only while the port exists. A replugged
 *   device gets a new `id` but the same `name` (identity lives in the device layer).
 * - `openInput` delivers raw byte chunks in arrival order, each with the monotonic time
 *   (ms) it was received. Chunks may split or merge messages: decode with the codec.
 * - When a port disappears, every open handle on it emits `gone` exactly once and then
 *   ignores further calls: `send` on a gone output is a no-op that reports `false`.
 * - `close()` is idempotent and never throws.
 * - `listPorts()` never blocks on the kernel: enumeration can sleep in ALSA, and the caller
 *   is the thread that times the music.
 */
export interface MidiPortInfo {
  /** Backend-specific id of the port as it exists now (ALSA "client:port" for real). */
  readonly id: string;
  /** Human-readable port name, e.g. "Ableton Push 2:Ableton Push 2 MIDI 2 32:1". */
  readonly name: string;
  /** Name of the client (device) that owns the port, e.g. "Ableton Push 2". */
  readonly clientName: string;
  /** 0-based index of the port within its client. */
  readonly portIndex: number;
  readonly direction: 'input' | 'output';
  /**
   * The USB device behind the port, read by the backend with the listing (so nothing on the
   * main thread touches sysfs): undefined if not USB, 'pending' while the kernel is still
   * registering or removing it.
   */
  readonly usb?: UsbIdentity | 'pending';
}

export interface MidiInputHandle {
  readonly port: MidiPortInfo;
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void;
  onGone(listener: () => void): void;
  close(): void;
}

export interface MidiOutputHandle {
  readonly port: MidiPortInfo;
  /** Sends raw bytes (one or more whole messages). Returns false if the port is gone. */
  send(bytes: Uint8Array): boolean;
  onGone(listener: () => void): void;
  close(): void;
}

export interface MidiBackend {
  /** Human-readable name for logs: "alsa" or "simulator". */
  readonly kind: string;
  listPorts(): readonly MidiPortInfo[];
  /** Throws `PortUnavailable` if the port does not exist or cannot be opened. */
  openInput(portId: string): MidiInputHandle;
  /** Throws `PortUnavailable` if the port does not exist or cannot be opened. */
  openOutput(portId: string): MidiOutputHandle;
  /**
   * Re-reads the port list and fires `gone` on handles whose port vanished. The real backend
   * does this off the main thread, so its effect may arrive later, with `onPortsChanged`.
   */
  refresh(): void;
  /** Called whenever the port list changes (plug, unplug, or a refresh finding a change). */
  onPortsChanged(listener: () => void): void;
  dispose(): void;
}

/** A port could not be found or opened. Carries the id so logs name the place. */
export class PortUnavailable extends Error {
  override readonly name = 'PortUnavailable';
  constructor(
    readonly portId: string,
    reason: string,
  ) {
    super(`MIDI port ${portId} unavailable: ${reason}`);
  }
}
