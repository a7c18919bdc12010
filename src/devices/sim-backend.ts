import type { MidiBackend, MidiInputHandle, MidiOutputHandle, MidiPortInfo } from './midi-backend.js';
import { PortUnavailable } from './midi-backend.js';
import type { UsbIdentity } from './usb-identity.js';

/** A device plugged into the simulator: one client with named input and output ports. */
export interface SimDeviceSpec {
  readonly clientName: string;
  /** Port names, in port-index order. A name may appear in both lists (a duplex port). */
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  /** The USB identity the backend reports with the ports (as ALSA's worker reads it from sysfs). */
  readonly usb?: UsbIdentity | 'pending';
}

interface SimPort {
  readonly info: MidiPortInfo;
  readonly inputHandles: Set<SimInput>;
  /** Bytes the box sent to this output port, for tests to read. */
  readonly received: Uint8Array[];
}

/** Close and unplug semantics shared by both directions: `gone` fires once, then nothing does. */
abstract class SimHandle {
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    private readonly detach: () => void,
  ) {}
  protected get isOpen(): boolean {
    return this.#open;
  }
  onGone(listener: () => void): void {
    this.#goneListeners.push(listener);
  }
  markGone(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const l of this.#goneListeners) l();
  }
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.detach();
  }
}

class SimInput extends SimHandle implements MidiInputHandle {
  readonly #dataListeners: ((bytes: Uint8Array, t: number) => void)[] = [];
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    this.#dataListeners.push(listener);
  }
  deliver(bytes: Uint8Array, t: number): void {
    if (!this.isOpen) return;
    for (const l of this.#dataListeners) l(bytes.slice(), t);
  }
}

class SimOutput extends SimHandle implements MidiOutputHandle {
  constructor(
    port: MidiPortInfo,
    private readonly sink: (bytes: Uint8Array) => boolean,
    detach: () => void,
  ) {
    super(port, detach);
  }
  send(bytes: Uint8Array): boolean {
    return this.isOpen && this.sink(bytes.slice());
  }
}

/**
 * In-memory MIDI ports that tests plug, unplug, feed and read. Like the ALSA backend, a
 * vanished port is only noticed on `refresh()`, so tests exercise the same detection path.
 */
export class SimMidiBackend implements MidiBackend {
  readonly kind = 'simulator';
  readonly #ports = new Map<string, SimPort>();
  /** Ports unplugged but not yet noticed by `refresh()`, with their open input handles. */
  readonly #pendingGone = new Map<string, SimInput[]>();
  readonly #outputHandles = new Map<string, Set<SimOutput>>();
  #nextClient = 20;
  readonly #changeListeners: (() => void)[] = [];
  readonly #sendListeners = new Map<string, ((bytes: Uint8Array, atMs: number) => void)[]>();
  #disposed = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Plugs a device; returns its client id, the handle to unplug it. With `intoClient`, adds
   * the ports to an existing client, as the kernel does while it registers a device port by port.
   */
  plug(spec: SimDeviceSpec, intoClient?: number): number {
    const client = intoClient ?? this.#nextClient++;
    const add = (direction: 'input' | 'output', names: readonly string[]): void => {
      const first = [...this.#ports.values()].filter(
        (p) => p.info.id.startsWith(`${client}:`) && p.info.direction === direction,
      ).length;
      names.forEach((portName, i) => {
        const portIndex = first + i;
        const id = `${client}:${portIndex}:${direction}`;
        const info: MidiPortInfo = {
          id,
          name: `${spec.clientName}:${portName} ${client}:${portIndex}`,
          clientName: spec.clientName,
          portIndex,
          direction,
          ...(spec.usb === undefined ? {} : { usb: spec.usb }),
        };
        this.#ports.set(id, { info, inputHandles: new Set(), received: [] });
      });
    };
    add('input', spec.inputs ?? []);
    add('output', spec.outputs ?? []);
    this.#plugged = true;
    return client;
  }

  /** Changes the USB identity reported for a client's ports (sysfs filling in after plug). */
  setUsb(client: number, usb: UsbIdentity | 'pending' | undefined): void {
    for (const [id, port] of this.#ports) {
      if (!id.startsWith(`${client}:`)) continue;
      const { usb: _old, ...rest } = port.info;
      this.#ports.set(id, { ...port, info: usb === undefined ? rest : { ...rest, usb } });
    }
  }

  /** Unplugs every port of a client. Handles learn of it on the next `refresh()`. */
  unplug(client: number): void {
    for (const [id, port] of this.#ports) {
      if (id.startsWith(`${client}:`)) {
        this.#ports.delete(id);
        this.#pendingGone.set(id, [...port.inputHandles]);
      }
    }
  }

  /**
   * Kills the open handles of a port that stays listed, as a glitch in ALSA's port list can:
   * they report gone, and the device layer must recover.
   */
  breakHandles(portId: string): void {
    const port = this.#ports.get(portId);
    for (const h of [...(port?.inputHandles ?? [])]) {
      port?.inputHandles.delete(h);
      h.markGone();
    }
    for (const h of this.#outputHandles.get(portId) ?? []) h.markGone();
    this.#outputHandles.delete(portId);
  }

  /** The device plays bytes: delivered to every open input handle on that port. */
  feed(portId: string, bytes: Uint8Array | readonly number[], atMs: number = this.now()): void {
    const port = this.#ports.get(portId);
    if (!port) throw new PortUnavailable(portId, 'not plugged');
    const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    for (const h of port.inputHandles) h.deliver(data, atMs);
  }

  /** Everything the box has sent to an output port since plug (or the last `drain`). */
  drain(portId: string): Uint8Array[] {
    const port = this.#ports.get(portId);
    if (!port) return [];
    return port.received.splice(0);
  }

  /** Calls `listener` with every message sent to an output port, at the time it is sent (for timing checks). */
  onSend(portId: string, listener: (bytes: Uint8Array, atMs: number) => void): void {
    this.#sendListeners.set(portId, [...(this.#sendListeners.get(portId) ?? []), listener]);
  }

  findPort(clientName: string, direction: 'input' | 'output', portIndex = 0): MidiPortInfo | undefined {
    for (const { info } of this.#ports.values()) {
      if (info.clientName === clientName && info.direction === direction && info.portIndex === portIndex) return info;
    }
    return undefined;
  }

  onPortsChanged(listener: () => void): void {
    this.#changeListeners.push(listener);
  }

  listPorts(): readonly MidiPortInfo[] {
    return [...this.#ports.values()].map((p) => p.info);
  }

  openInput(portId: string): MidiInputHandle {
    const port = this.#openable(portId, 'input');
    const handle: SimInput = new SimInput(port.info, () => port.inputHandles.delete(handle));
    port.inputHandles.add(handle);
    return handle;
  }

  openOutput(portId: string): MidiOutputHandle {
    const port = this.#openable(portId, 'output');
    const handles = this.#outputHandles.get(portId) ?? new Set<SimOutput>();
    this.#outputHandles.set(portId, handles);
    const handle: SimOutput = new SimOutput(
      port.info,
      (bytes) => {
        const live = this.#ports.get(portId);
        if (!live) return false;
        live.received.push(bytes);
        for (const l of this.#sendListeners.get(portId) ?? []) l(bytes, this.now());
        return true;
      },
      () => handles.delete(handle),
    );
    handles.add(handle);
    return handle;
  }

  refresh(): void {
    for (const [id, inputs] of this.#pendingGone) {
      for (const h of inputs) h.markGone();
      for (const h of this.#outputHandles.get(id) ?? []) h.markGone();
      this.#outputHandles.delete(id);
    }
    const changed = this.#pendingGone.size > 0 || this.#plugged;
    this.#pendingGone.clear();
    this.#plugged = false;
    if (changed) for (const l of this.#changeListeners) l();
  }

  /** Something was plugged since the last refresh: like ALSA, the change is announced on refresh. */
  #plugged = false;

  dispose(): void {
    this.#disposed = true;
  }

  #openable(portId: string, direction: 'input' | 'output'): SimPort {
    if (this.#disposed) throw new PortUnavailable(portId, 'backend disposed');
    const port = this.#ports.get(portId);
    if (!port) throw new PortUnavailable(portId, 'no such port');
    if (port.info.direction !== direction) throw new PortUnavailable(portId, `not an ${direction} port`);
    return port;
  }
}
