import { createRequire } from 'node:module';

/** Something that says "the set of USB devices may have changed: rescan now". */
export interface HotplugSource {
  /** What the source is, for the log: "usb" or "none". */
  readonly kind: string;
  onChange(listener: (event: 'attach' | 'detach', label: string) => void): void;
  dispose(): void;
}

type UsbEventListener = (event: Event) => void;

interface UsbConnectionEvent extends Event {
  readonly device: { vendorId: number; productId: number; productName?: string; serialNumber?: string };
}

/**
 * USB attach/detach events from libusb (the `usb` package). RtMidi has no hotplug events,
 * so these only trigger rescans; the port-list diff decides what really changed.
 */
export class UsbHotplugSource implements HotplugSource {
  readonly kind = 'usb';
  readonly #target: EventTarget;
  readonly #listeners: { type: string; fn: UsbEventListener }[] = [];

  constructor() {
    const { WebUSB } = createRequire(import.meta.url)('usb') as { WebUSB: new (o: object) => EventTarget };
    this.#target = new WebUSB({ allowAllDevices: true });
  }

  onChange(listener: (event: 'attach' | 'detach', label: string) => void): void {
    for (const [type, kind] of [
      ['connect', 'attach'],
      ['disconnect', 'detach'],
    ] as const) {
      const fn: UsbEventListener = (ev) => {
        const d = (ev as UsbConnectionEvent).device;
        const hex = (n: number): string => n.toString(16).padStart(4, '0');
        listener(kind, `${hex(d.vendorId)}:${hex(d.productId)} ${d.productName ?? ''}`.trim());
      };
      this.#target.addEventListener(type, fn);
      this.#listeners.push({ type, fn });
    }
  }

  dispose(): void {
    for (const { type, fn } of this.#listeners.splice(0)) this.#target.removeEventListener(type, fn);
  }
}

/** For machines without libusb access: the poll alone finds devices. */
export class NoHotplugSource implements HotplugSource {
  readonly kind = 'none';
  onChange(): void {}
  dispose(): void {}
}
