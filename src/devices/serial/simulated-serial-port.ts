import type { MonotonicClock } from '../../clock/time-source.js';
import type { SerialLink, SerialOpenOptions, SerialPortOpener } from './serial-port.js';
import { SerialLinkError, SerialOpenError } from './serial-port.js';

/** The far end of a simulated serial device: what a DIN cable's other box would see. */
export interface SimulatedSerialPeer {
  /** Bytes as the peer sends them; delivered to the open link, if any, as one chunk. */
  write(bytes: Uint8Array): void;
  /** Everything the box has written, in order. */
  readonly received: number[];
  /** The device disappears (USB adapter pulled): the open link closes with an error. */
  remove(): void;
}

interface Device {
  link: SimulatedLink | undefined;
  present: boolean;
  readonly peer: SimulatedSerialPeer;
  readonly received: number[];
}

/** In-memory serial devices that enforce the `SerialPortOpener` contract. */
export class SimulatedSerialBus implements SerialPortOpener {
  readonly kind = 'simulator';
  private readonly devices = new Map<string, Device>();
  /** Paths opened by "another program": open fails with `busy`. */
  readonly heldElsewhere = new Set<string>();

  constructor(private readonly clock: MonotonicClock) {}

  /** Creates (or re-creates) the device at `path` and returns its far end. */
  plug(path: string): SimulatedSerialPeer {
    const received: number[] = [];
    const device: Device = {
      link: undefined,
      present: true,
      received,
      peer: {
        received,
        write: (bytes) => device.link?.deliver(bytes.slice(), this.clock.nowMs()),
        remove: () => {
          device.present = false;
          device.link?.fail(new SerialLinkError(path, 'device removed'));
        },
      },
    };
    this.devices.set(path, device);
    return device.peer;
  }

  open(options: SerialOpenOptions): Promise<SerialLink> {
    const device = this.devices.get(options.path);
    if (!device?.present) return Promise.reject(new SerialOpenError(options.path, 'missing', 'ENOENT'));
    if (device.link || this.heldElsewhere.has(options.path))
      return Promise.reject(new SerialOpenError(options.path, 'busy', 'locked'));
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      return Promise.reject(new SerialOpenError(options.path, 'unsupported-baud', String(options.baudRate)));
    }
    const link = new SimulatedLink(options.path, device);
    device.link = link;
    return Promise.resolve(link);
  }
}

class SimulatedLink implements SerialLink {
  readonly fd = undefined;
  private open = true;
  private readonly dataListeners: ((bytes: Uint8Array, at: number) => void)[] = [];
  private readonly closeListeners: ((error: SerialLinkError | undefined) => void)[] = [];

  constructor(
    readonly path: string,
    private readonly device: Device,
  ) {}

  write(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    this.device.received.push(...bytes);
    return true;
  }
  onData(listener: (bytes: Uint8Array, receivedAtMs: number) => void): void {
    this.dataListeners.push(listener);
  }
  onClose(listener: (error: SerialLinkError | undefined) => void): void {
    this.closeListeners.push(listener);
  }
  close(): Promise<void> {
    this.end(undefined);
    return Promise.resolve();
  }
  deliver(bytes: Uint8Array, at: number): void {
    if (this.open) for (const listen of this.dataListeners) listen(bytes, at);
  }
  fail(error: SerialLinkError): void {
    this.end(error);
  }
  private end(error: SerialLinkError | undefined): void {
    if (!this.open) return;
    this.open = false;
    this.device.link = undefined;
    for (const listen of this.closeListeners) listen(error);
  }
}
