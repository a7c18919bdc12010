import type { MidiBackend, MidiInputHandle, MidiOutputHandle, MidiPortInfo } from './midi-backend.js';
import { PortUnavailable } from './midi-backend.js';

/** A device plugged into the simulator: one client with named input and output ports. */
export interface SimDeviceSpec {
  readonly clientName: string;
  /** Port names, in port-index order. A name may appear in both lists (a duplex port). */
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
}

interface SimPort {
  readonly info: MidiPortInfo;
  readonly inputHandles: Set<SimInput>;
  /** Bytes the box sent to this output port, for tests to read. */
  readonly received: Uint8Array[];
}

class SimInput implements MidiInputHandle {
  readonly #dataListeners: ((bytes: Uint8Array, t: number) => void)[] = [];
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    private readonly detach: (h: SimInput) => void,
  ) {}
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    this.#dataListeners.push(listener);
  }
  onGone(listener: () => void): void {
    this.#goneListeners.push(listener);
  }
  deliver(bytes: Uint8Array, t: number): void {
    if (!this.#open) return;
    for (const l of this.#dataListeners) l(bytes.slice(), t);
  }
  markGone(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const l of this.#goneListeners) l();
  }
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.detach(this);
  }
}

class SimOutput implements MidiOutputHandle {
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    private readonly sink: (bytes: Uint8Array) => boolean,
    private readonly detach: (h: SimOutput) => void,
  ) {}
  send(bytes: Uint8Array): boolean {
    return this.#open && this.sink(bytes.slice());
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
    this.detach(this);
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
  #disposed = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Plugs a device; returns its client id, the handle to unplug it. */
  plug(spec: SimDeviceSpec): number {
    const client = this.#nextClient++;
    const add = (direction: 'input' | 'output', names: readonly string[]): void => {
      names.forEach((portName, portIndex) => {
        const id = `${client}:${portIndex}:${direction}`;
        const info: MidiPortInfo = {
          id,
          name: `${spec.clientName}:${portName} ${client}:${portIndex}`,
          clientName: spec.clientName,
          portIndex,
          direction,
        };
        this.#ports.set(id, { info, inputHandles: new Set(), received: [] });
      });
    };
    add('input', spec.inputs ?? []);
    add('output', spec.outputs ?? []);
    return client;
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

  findPort(clientName: string, direction: 'input' | 'output', portIndex = 0): MidiPortInfo | undefined {
    for (const { info } of this.#ports.values()) {
      if (info.clientName === clientName && info.direction === direction && info.portIndex === portIndex) return info;
    }
    return undefined;
  }

  listPorts(): readonly MidiPortInfo[] {
    return [...this.#ports.values()].map((p) => p.info);
  }

  openInput(portId: string): MidiInputHandle {
    const port = this.#openable(portId, 'input');
    const handle = new SimInput(port.info, (h) => port.inputHandles.delete(h));
    port.inputHandles.add(handle);
    return handle;
  }

  openOutput(portId: string): MidiOutputHandle {
    const port = this.#openable(portId, 'output');
    const handles = this.#outputHandles.get(portId) ?? new Set<SimOutput>();
    this.#outputHandles.set(portId, handles);
    const handle = new SimOutput(
      port.info,
      (bytes) => {
        const live = this.#ports.get(portId);
        if (!live) return false;
        live.received.push(bytes);
        return true;
      },
      (h) => handles.delete(h),
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
    this.#pendingGone.clear();
  }

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
