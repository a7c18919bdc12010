import { createRequire } from 'node:module';
import { FRAME_HEADER } from './frame.js';
import { DisplayLinkError, checkFrame, type DisplayLink, type DisplayOpener } from './display-link.js';

/** Push 2's USB identity and its display's interface and bulk OUT endpoint (number 1 = 0x01). */
export const PUSH2_DISPLAY = { vendorId: 0x2982, productId: 0x1967, interface: 0, endpoint: 1 } as const;

interface WebUsbEndpoint {
  readonly endpointNumber: number;
  readonly direction: string;
  readonly type: string;
}
interface WebUsbDevice {
  readonly configuration?: {
    readonly interfaces: readonly {
      readonly interfaceNumber: number;
      readonly alternate: { readonly endpoints: readonly WebUsbEndpoint[] };
    }[];
  } | null;
  open(): Promise<void>;
  close(): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  transferOut(endpoint: number, data: Uint8Array): Promise<{ status: string; bytesWritten: number }>;
}
interface WebUsb {
  findDeviceByIds(vid: number, pid: number): Promise<WebUsbDevice | undefined>;
}

/** The `usb` package's WebUSB object, loaded on first use so a box without libusb still starts. */
function webUsb(): WebUsb {
  const { usb } = createRequire(import.meta.url)('usb') as { usb: WebUsb };
  return usb;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The real display link over `usb` (libusb): transfers are asynchronous, so the event loop
 * (and the scheduler on it) never waits for the 327 KB to go out.
 */
export class UsbDisplayLink implements DisplayLink {
  #busy = false;

  constructor(
    private readonly device: WebUsbDevice,
    /** The bulk OUT endpoint's number: 1 on Push 2 (read from its descriptors). */
    readonly endpoint: number = PUSH2_DISPLAY.endpoint,
  ) {}

  async send(frame: Uint8Array): Promise<void> {
    checkFrame(frame);
    if (this.#busy) throw new DisplayLinkError('a frame is already being sent');
    this.#busy = true;
    try {
      for (const part of [FRAME_HEADER, frame]) {
        const r = await this.device.transferOut(this.endpoint, part);
        if (r.status !== 'ok' || r.bytesWritten !== part.length)
          throw new DisplayLinkError(`display transfer ${r.status}: ${r.bytesWritten} of ${part.length} bytes`);
      }
    } catch (e) {
      throw e instanceof DisplayLinkError ? e : new DisplayLinkError(`display transfer failed: ${describe(e)}`);
    } finally {
      this.#busy = false;
    }
  }

  /** Never throws: a device that is gone is closed already (`usb` may throw InvalidArg then, even synchronously). */
  async close(): Promise<void> {
    try {
      await this.device.releaseInterface(PUSH2_DISPLAY.interface);
    } catch {
      // gone or never claimed
    }
    try {
      await this.device.close();
    } catch {
      // gone
    }
  }
}

/** Finds Push 2 by its USB id and claims its display interface. */
export class UsbDisplayOpener implements DisplayOpener {
  async open(): Promise<DisplayLink | undefined> {
    let device: WebUsbDevice | undefined;
    try {
      device = await webUsb().findDeviceByIds(PUSH2_DISPLAY.vendorId, PUSH2_DISPLAY.productId);
    } catch (e) {
      throw new DisplayLinkError(`cannot list USB devices: ${describe(e)}`);
    }
    if (!device) return undefined;
    try {
      await device.open();
      await device.claimInterface(PUSH2_DISPLAY.interface);
    } catch (e) {
      await device.close().catch(() => undefined);
      throw new DisplayLinkError(`cannot open Push 2's display interface: ${describe(e)}`);
    }
    return new UsbDisplayLink(device, bulkOutOf(device));
  }
}

/**
 * The bulk OUT endpoint of the display interface as the descriptors say: 0x01 on Push 2; a
 * stand-in gadget (the hw-sim VM's) gets whichever number its controller hands out.
 */
function bulkOutOf(device: WebUsbDevice): number {
  const iface = device.configuration?.interfaces.find((i) => i.interfaceNumber === PUSH2_DISPLAY.interface);
  return (
    iface?.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk')?.endpointNumber ??
    PUSH2_DISPLAY.endpoint
  );
}
