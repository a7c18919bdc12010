import { createRequire } from 'node:module';
import { existsSync, watch, type FSWatcher } from 'node:fs';

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

/**
 * Device nodes under /dev/snd come and go with sound cards (devtmpfs creates them as the
 * card registers). Watching the folder reacts to a new MIDI card at once, USB or not, where
 * the USB event fires before the card exists and the poll may be a quarter second away.
 */
export class DevSndHotplugSource implements HotplugSource {
  readonly kind = 'dev-snd';
  readonly #watcher: FSWatcher;
  readonly #listeners: ((event: 'attach' | 'detach', label: string) => void)[] = [];

  constructor(dir = '/dev/snd') {
    this.#watcher = watch(dir, (_event, file) => {
      const name = String(file ?? '');
      if (!name.startsWith('midi') && !name.startsWith('control')) return;
      const kind = existsSync(`${dir}/${name}`) ? 'attach' : 'detach';
      for (const l of this.#listeners) l(kind, name);
    });
    // A watcher error (the folder vanishing with the last card) must not crash the box.
    this.#watcher.on('error', () => this.#watcher.close());
  }

  onChange(listener: (event: 'attach' | 'detach', label: string) => void): void {
    this.#listeners.push(listener);
  }

  dispose(): void {
    this.#watcher.close();
  }
}

/** Several sources as one: each event from any of them triggers a rescan. */
export class CombinedHotplugSource implements HotplugSource {
  constructor(private readonly sources: readonly HotplugSource[]) {}

  get kind(): string {
    return this.sources.map((s) => s.kind).join('+') || 'none';
  }

  onChange(listener: (event: 'attach' | 'detach', label: string) => void): void {
    for (const s of this.sources) s.onChange(listener);
  }

  dispose(): void {
    for (const s of this.sources) s.dispose();
  }
}
