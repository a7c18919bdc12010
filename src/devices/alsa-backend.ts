import { createRequire } from 'node:module';
import type { MidiBackend, MidiInputHandle, MidiOutputHandle, MidiPortInfo } from './midi-backend.js';
import { PortUnavailable } from './midi-backend.js';
import { parseAlsaPortName } from './alsa-port-name.js';
import { DeltaTimestamper } from './delta-timestamper.js';

type RtMidiModule = typeof import('@julusian/midi');
type RtInput = InstanceType<RtMidiModule['Input']>;
type RtOutput = InstanceType<RtMidiModule['Output']>;

/** ALSA (or the RtMidi binding) cannot be used on this machine: no /dev/snd/seq, say. */
export class MidiBackendUnavailable extends Error {
  override readonly name = 'MidiBackendUnavailable';
}

function loadRtMidi(): RtMidiModule {
  // The binding is CommonJS with a native addon; load it lazily so a machine without the
  // addon or without ALSA still runs everything else (the demo, the CLI's offline commands).
  return createRequire(import.meta.url)('@julusian/midi') as RtMidiModule;
}

class AlsaInput implements MidiInputHandle {
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    private readonly rt: RtInput,
    private readonly detach: (h: AlsaInput) => void,
  ) {}
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    const stamper = new DeltaTimestamper(() => performance.now());
    this.rt.on('messageBuffer', (deltaSeconds: number, message: Buffer) => {
      if (this.#open) listener(new Uint8Array(message), stamper.stamp(deltaSeconds));
    });
  }
  onGone(listener: () => void): void {
    this.#goneListeners.push(listener);
  }
  markGone(): void {
    if (!this.#open) return;
    this.#release();
    for (const l of this.#goneListeners) l();
  }
  close(): void {
    if (this.#open) this.#release();
  }
  #release(): void {
    this.#open = false;
    this.detach(this);
    try {
      this.rt.closePort();
      this.rt.destroy();
    } catch {
      // The port may already be gone with its device; nothing left to release.
    }
  }
}

class AlsaOutput implements MidiOutputHandle {
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    private readonly rt: RtOutput,
    private readonly detach: (h: AlsaOutput) => void,
  ) {}
  send(bytes: Uint8Array): boolean {
    if (!this.#open) return false;
    try {
      this.rt.sendMessage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return true;
    } catch {
      return false;
    }
  }
  onGone(listener: () => void): void {
    this.#goneListeners.push(listener);
  }
  markGone(): void {
    if (!this.#open) return;
    this.#release();
    for (const l of this.#goneListeners) l();
  }
  close(): void {
    if (this.#open) this.#release();
  }
  #release(): void {
    this.#open = false;
    this.detach(this);
    try {
      this.rt.closePort();
      this.rt.destroy();
    } catch {
      // Already gone with its device.
    }
  }
}

/**
 * MIDI ports through the ALSA sequencer (RtMidi). ALSA has no per-port removal callback
 * in RtMidi, so vanished ports are found by `refresh()`, which the device layer calls on
 * every USB attach/detach event and on a short poll.
 */
export class AlsaMidiBackend implements MidiBackend {
  readonly kind = 'alsa';
  readonly #rt: RtMidiModule;
  readonly #lister: { input: RtInput; output: RtOutput };
  readonly #inputs = new Set<AlsaInput>();
  readonly #outputs = new Set<AlsaOutput>();

  constructor() {
    try {
      this.#rt = loadRtMidi();
      this.#lister = { input: new this.#rt.Input(), output: new this.#rt.Output() };
    } catch (e) {
      throw new MidiBackendUnavailable(`ALSA sequencer unavailable: ${(e as Error).message}`);
    }
  }

  listPorts(): readonly MidiPortInfo[] {
    const ports: MidiPortInfo[] = [];
    const collect = (rt: RtInput | RtOutput, direction: 'input' | 'output'): void => {
      const count = rt.getPortCount();
      for (let i = 0; i < count; i++) {
        const parsed = parseAlsaPortName(rt.getPortName(i));
        if (!parsed) continue;
        ports.push({
          id: `${parsed.client}:${parsed.port}:${direction}`,
          name: parsed.fullName,
          clientName: parsed.clientName,
          portIndex: parsed.port,
          direction,
        });
      }
    };
    collect(this.#lister.input, 'input');
    collect(this.#lister.output, 'output');
    return ports;
  }

  openInput(portId: string): MidiInputHandle {
    const { port, index } = this.#locate(portId, 'input');
    const rt = new this.#rt.Input();
    try {
      // Sysex (Push 2 replies), clock and active sensing are all wanted here.
      rt.ignoreTypes(false, false, false);
      rt.openPort(index);
    } catch (e) {
      rt.destroy();
      throw new PortUnavailable(portId, (e as Error).message);
    }
    const handle = new AlsaInput(port, rt, (h) => this.#inputs.delete(h));
    this.#inputs.add(handle);
    return handle;
  }

  openOutput(portId: string): MidiOutputHandle {
    const { port, index } = this.#locate(portId, 'output');
    const rt = new this.#rt.Output();
    try {
      rt.openPort(index);
    } catch (e) {
      rt.destroy();
      throw new PortUnavailable(portId, (e as Error).message);
    }
    const handle = new AlsaOutput(port, rt, (h) => this.#outputs.delete(h));
    this.#outputs.add(handle);
    return handle;
  }

  refresh(): void {
    const live = new Set(this.listPorts().map((p) => p.id));
    for (const h of [...this.#inputs]) if (!live.has(h.port.id)) h.markGone();
    for (const h of [...this.#outputs]) if (!live.has(h.port.id)) h.markGone();
  }

  dispose(): void {
    for (const h of [...this.#inputs]) h.close();
    for (const h of [...this.#outputs]) h.close();
    this.#lister.input.destroy();
    this.#lister.output.destroy();
  }

  #locate(portId: string, direction: 'input' | 'output'): { port: MidiPortInfo; index: number } {
    const all = this.listPorts().filter((p) => p.direction === direction);
    const index = all.findIndex((p) => p.id === portId);
    const port = all[index];
    if (!port) throw new PortUnavailable(portId, `no such ${direction} port`);
    return { port, index };
  }
}
