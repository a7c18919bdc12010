import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import { TimedMidiDecoder } from '../midi/timed-decoder.js';
import { encodeMessage } from '../midi/encoder.js';
import { endsNote, startsNote } from '../midi/note-end.js';
import type { MidiBackend, MidiInputHandle, MidiOutputHandle } from './midi-backend.js';
import { scanDevices, type FoundDevice } from './device-scan.js';
import { NoteTracker, type SoundingNote } from './note-tracker.js';
import type { Role, RoleBook } from './roles.js';

/** A device that is plugged in now, with the ports the box opened on it. */
export interface ConnectedDevice {
  readonly found: FoundDevice;
  readonly input: MidiInputHandle | undefined;
  readonly output: MidiOutputHandle | undefined;
  readonly roles: readonly Role[];
  readonly attachedAtMs: number;
}

/** What the device layer tells the rest of the box. One-way: it never calls back in. */
export interface DeviceListener {
  attached?(device: ConnectedDevice): void;
  /** `released` are the notes the device left sounding, already sent note-offs. */
  detached?(device: ConnectedDevice, released: readonly SoundingNote[]): void;
  rolesChanged?(device: ConnectedDevice): void;
  message?(device: ConnectedDevice, timed: TimedMidiMessage): void;
  /** A device that failed to open: logged by the caller, never fatal. */
  error?(identity: string, error: Error): void;
}

export interface DeviceManagerOptions {
  readonly backend: MidiBackend;
  readonly roles: RoleBook;
  readonly now: () => number;
  readonly listener: DeviceListener;
  /** Devices whose identity or client name contains one of these are never opened. */
  readonly ignore?: readonly string[];
  /**
   * A new device is opened only once it has looked the same for this long: the kernel
   * registers a USB MIDI device's ports in steps, and a port opened mid-way can stay deaf.
   */
  readonly settleMs?: number;
  /**
   * How long a USB device may wait for its serial number before it is opened without one
   * (under its client name). A device that declares a serial string but sends an empty one
   * never gets the sysfs attribute, and a pad must not stay deaf for that. Default 2000.
   */
  readonly identityWaitMs?: number;
}

const IDENTITY_WAIT_MS = 2000;

/**
 * Keeps the set of connected devices in step with the port list: `scan()` (called on every
 * USB event and on a short poll) opens new devices, closes vanished ones, releases the
 * notes they left sounding, and re-derives roles so a replugged device gets its roles back.
 */
export class DeviceManager {
  readonly #devices = new Map<string, MutableDevice>();
  readonly #notes = new NoteTracker();
  /** New devices waiting to settle, with when each was first seen as it is now. */
  readonly #settling = new Map<string, number>();

  constructor(private readonly opts: DeviceManagerOptions) {}

  scan(): void {
    const { backend } = this.opts;
    backend.refresh();
    const found = scanDevices(backend.listPorts());
    const present = new Set(found.map((f) => f.instanceKey));
    // A handle can go dead while its device is still listed (the port list glitched while
    // the kernel registered another device): close it and open the device again.
    for (const [key, dev] of this.#devices) if (!present.has(key) || dev.handleGone) this.#detach(dev);
    for (const key of this.#settling.keys()) if (!present.has(key)) this.#settling.delete(key);
    const now = this.opts.now();
    for (const f of found) {
      if (this.#devices.has(f.instanceKey) || !f.profile || this.#ignored(f)) continue;
      const firstSeen = this.#settling.get(f.instanceKey) ?? now;
      if (f.identityPending && now - firstSeen < (this.opts.identityWaitMs ?? IDENTITY_WAIT_MS)) {
        this.#settling.set(f.instanceKey, firstSeen);
        continue;
      }
      if (now - firstSeen >= (this.opts.settleMs ?? 0)) {
        this.#settling.delete(f.instanceKey);
        this.#attach(f);
      } else this.#settling.set(f.instanceKey, firstSeen);
    }
    this.#assignRoles();
  }

  /** True while a device seen in the last scan waits to settle or for its USB identity. */
  get waiting(): boolean {
    return this.#settling.size > 0;
  }

  /** Connected devices in plug order. */
  devices(): ConnectedDevice[] {
    return [...this.#devices.values()];
  }

  /**
   * Sends a message to every device with `role`, on behalf of `source` (a device identity
   * or a model voice), tracking notes so they can be released if the source goes away.
   */
  sendToRole(role: Role, message: MidiMessage, source: string): number {
    let sent = 0;
    for (const d of this.#devices.values()) if (d.roles.includes(role) && this.#sendTo(d, message, source)) sent++;
    return sent;
  }

  /** Note-offs for everything any source left sounding anywhere (panic). */
  releaseAll(): SoundingNote[] {
    const all = this.#notes.releaseAll();
    this.#sendNoteOffs(all);
    return all;
  }

  dispose(): void {
    this.releaseAll();
    for (const d of this.#devices.values()) {
      d.input?.close();
      d.output?.close();
    }
    this.#devices.clear();
  }

  #ignored(f: FoundDevice): boolean {
    return (this.opts.ignore ?? []).some((m) => f.identity.includes(m) || f.description.clientName.includes(m));
  }

  #sendTo(d: MutableDevice, message: MidiMessage, source: string): boolean {
    if (!d.output || !d.output.send(encodeMessage(message))) return false;
    if (message.type === 'noteOn' || message.type === 'noteOff') {
      const out = d.found.instanceKey;
      if (startsNote(message)) this.#notes.noteOn(source, out, message.channel, message.note);
      else if (endsNote(message)) this.#notes.noteOff(source, out, message.channel, message.note);
    }
    return true;
  }

  #attach(found: FoundDevice): void {
    const { backend, listener, now } = this.opts;
    const profile = found.profile;
    if (!profile) return;
    const inIdx = profile.inputPort(found.description);
    const outIdx = profile.outputPort(found.description);
    let input: MidiInputHandle | undefined;
    let output: MidiOutputHandle | undefined;
    try {
      const inPort = inIdx === undefined ? undefined : found.inputs[inIdx];
      const outPort = outIdx === undefined ? undefined : found.outputs[outIdx];
      input = inPort ? backend.openInput(inPort.id) : undefined;
      output = outPort ? backend.openOutput(outPort.id) : undefined;
    } catch (e) {
      input?.close();
      listener.error?.(found.identity, e as Error);
      return;
    }
    const dev: MutableDevice = { found, input, output, roles: [], attachedAtMs: now(), handleGone: false };
    this.#devices.set(found.instanceKey, dev);
    input?.onGone(() => (dev.handleGone = true));
    output?.onGone(() => (dev.handleGone = true));
    for (const m of profile.initMessages) output?.send(Uint8Array.from(m));
    if (input) {
      const decoder = new TimedMidiDecoder();
      input.onData((bytes, t) => decoder.feed(bytes, t, (timed) => this.#onMessage(dev, timed)));
    }
    listener.attached?.(dev);
  }

  #onMessage(dev: MutableDevice, timed: TimedMidiMessage): void {
    const m = timed.message;
    const pads = dev.found.profile?.padNotes;
    if (
      dev.roles.includes('human') &&
      (m.type === 'noteOn' || m.type === 'noteOff') &&
      (!pads || (m.note >= pads.min && m.note <= pads.max))
    ) {
      // Echo the human's hits to thru outputs (a sound module), tracked as this device's notes;
      // notes outside the pads (Push 2's encoder touches) are not hits.
      this.sendToRole('thru', m, dev.found.instanceKey);
    }
    this.opts.listener.message?.(dev, timed);
  }

  #detach(dev: MutableDevice): void {
    this.#devices.delete(dev.found.instanceKey);
    dev.input?.close();
    dev.output?.close();
    this.#notes.forgetOutput(dev.found.instanceKey);
    const released = this.#notes.releaseSource(dev.found.instanceKey);
    this.#sendNoteOffs(released);
    this.opts.listener.detached?.(dev, released);
  }

  #sendNoteOffs(notes: readonly SoundingNote[]): void {
    for (const n of notes) {
      const out = this.#devices.get(n.output)?.output;
      out?.send(encodeMessage({ type: 'noteOff', channel: n.channel, note: n.note, velocity: 0 }));
    }
  }

  #assignRoles(): void {
    const connected = [...this.#devices.values()];
    const roles = this.opts.roles.assign(connected.map((d) => d.found));
    for (const d of connected) {
      const next = roles.get(d.found.identity) ?? [];
      if (next.join() !== d.roles.join()) {
        d.roles = next;
        this.opts.listener.rolesChanged?.(d);
      }
    }
  }
}

interface MutableDevice extends ConnectedDevice {
  roles: readonly Role[];
  handleGone: boolean;
}
