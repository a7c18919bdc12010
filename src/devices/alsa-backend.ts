import { createRequire } from 'node:module';
import { startWorker } from '../system/start-worker.js';
import type { MidiBackend, MidiInputHandle, MidiOutputHandle, MidiPortInfo } from './midi-backend.js';
import { PortUnavailable } from './midi-backend.js';
import type { Worker } from 'node:worker_threads';
import { listAlsaPorts, samePorts } from './alsa-port-list.js';
import { DeltaTimestamper } from './delta-timestamper.js';
import { errorMessage } from '../util/error-message.js';

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

/**
 * What an open ALSA port handle does on close and on unplug, whichever direction: once
 * released it stays released, and `gone` listeners hear of an unplug exactly once.
 */
abstract class AlsaHandle<Rt extends RtInput | RtOutput> {
  readonly #goneListeners: (() => void)[] = [];
  #open = true;
  constructor(
    readonly port: MidiPortInfo,
    protected readonly rt: Rt,
    private readonly detach: (h: AlsaHandle<Rt>) => void,
  ) {}
  protected get isOpen(): boolean {
    return this.#open;
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

class AlsaInput extends AlsaHandle<RtInput> implements MidiInputHandle {
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    const stamper = new DeltaTimestamper(() => performance.now());
    this.rt.on('messageBuffer', (deltaSeconds: number, message: Buffer) => {
      if (this.isOpen) listener(new Uint8Array(message), stamper.stamp(deltaSeconds));
    });
  }
}

class AlsaOutput extends AlsaHandle<RtOutput> implements MidiOutputHandle {
  send(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    try {
      this.rt.sendMessage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * MIDI ports through the ALSA sequencer (RtMidi). RtMidi has no hotplug callback, so a
 * worker thread re-lists ports on a short poll and on `refresh()` (called on USB and
 * /dev/snd events); vanished ports' handles get `gone` when a listing without them arrives.
 */
export class AlsaMidiBackend implements MidiBackend {
  readonly kind = 'alsa';
  readonly #rt: RtMidiModule;
  readonly #inputs = new Set<AlsaHandle<RtInput>>();
  readonly #outputs = new Set<AlsaHandle<RtOutput>>();
  readonly #changeListeners: (() => void)[] = [];
  readonly #worker: Worker;
  #ports: readonly MidiPortInfo[];

  /** `pollMs`: how often the worker re-lists ports on its own, besides `refresh()`. */
  constructor(pollMs = 100) {
    try {
      this.#rt = loadRtMidi();
      // One listing here, so the port list is complete from the start; later ones run in the worker.
      const input = new this.#rt.Input();
      const output = new this.#rt.Output();
      this.#ports = listAlsaPorts(input, output);
      input.destroy();
      output.destroy();
    } catch (e) {
      throw new MidiBackendUnavailable(`ALSA sequencer unavailable: ${errorMessage(e)}`);
    }
    this.#worker = startListerWorker(pollMs);
    this.#worker.on('message', (m: { type: string; ports: MidiPortInfo[] }) => {
      if (m.type === 'ports') this.#onListing(m.ports);
    });
    this.#worker.on('error', (e) => {
      // Without the worker the list goes stale; the box keeps playing what it has open.
      process.stderr.write(`antiphon: ALSA port lister failed: ${e.message}\n`);
    });
    this.#worker.unref();
  }

  /** The newest listing the worker sent: reading it never touches the kernel. */
  listPorts(): readonly MidiPortInfo[] {
    return this.#ports;
  }

  onPortsChanged(listener: () => void): void {
    this.#changeListeners.push(listener);
  }

  #onListing(ports: readonly MidiPortInfo[]): void {
    const changed = !samePorts(ports, this.#ports);
    this.#ports = ports;
    const live = new Set(ports.map((p) => p.id));
    for (const h of [...this.#inputs]) if (!live.has(h.port.id)) h.markGone();
    for (const h of [...this.#outputs]) if (!live.has(h.port.id)) h.markGone();
    if (changed) for (const l of this.#changeListeners) l();
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
      throw new PortUnavailable(portId, errorMessage(e));
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
      throw new PortUnavailable(portId, errorMessage(e));
    }
    const handle = new AlsaOutput(port, rt, (h) => this.#outputs.delete(h));
    this.#outputs.add(handle);
    return handle;
  }

  /** Asks for a fresh listing now; `onPortsChanged` fires when it arrives. */
  refresh(): void {
    this.#worker.postMessage({ type: 'list' });
  }

  dispose(): void {
    for (const h of [...this.#inputs]) h.close();
    for (const h of [...this.#outputs]) h.close();
    // The lister stops itself: terminating it while it is inside an RtMidi call makes that
    // call's N-API use fail, and node-addon-api turns the failure into an uncaught C++
    // exception that aborts the whole process (seen in the hw-sim suite). terminate() is kept
    // for a lister that does not stop, and the worker never holds the process open.
    this.#worker.postMessage({ type: 'stop' });
    this.#worker.unref();
    const stuck = setTimeout(() => void this.#worker.terminate(), LISTER_STOP_GRACE_MS);
    stuck.unref();
    this.#worker.once('exit', () => clearTimeout(stuck));
  }

  #locate(portId: string, direction: 'input' | 'output'): { port: MidiPortInfo; index: number } {
    const all = this.listPorts().filter((p) => p.direction === direction);
    const index = all.findIndex((p) => p.id === portId);
    const port = all[index];
    if (!port) throw new PortUnavailable(portId, `no such ${direction} port`);
    return { port, index };
  }
}

/** How long a stopping port lister may take to finish its current listing (ms). */
const LISTER_STOP_GRACE_MS = 5_000;

function startListerWorker(pollMs: number): Worker {
  // From sources (vitest in the hw-sim VM) the worker is still the compiled one, which
  // `npm run test:hwsim` builds first: a TypeScript loader in a worker thread costs seconds under emulation.
  return startWorker(import.meta.url, './alsa-port-lister.worker', { workerData: { pollMs }, fromSources: 'dist' });
}
