import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type AlsaCard, findCard, rawMidiPath } from './alsa-cards.js';
import { loadModule } from './kmod.js';
import { RawMidiDevice } from './rawmidi.js';
import { waitFor } from './wait.js';

const GADGETS = '/sys/kernel/config/usb_gadget';
const UDC_CLASS = '/sys/class/udc';
/** dummy_hcd's controller count is fixed at first load: enough for several pads at once. */
export const DUMMY_HCD_CONTROLLERS = 4;

/** What the gadget tells the USB host about itself. */
export interface UsbMidiGadgetSpec {
  /** configfs folder and f_midi card id on the gadget side: 1-15 letters/digits, unique. */
  readonly name: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly product: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** Ports the host sends to (USB MIDI OUT endpoint jacks); 1..16. */
  readonly inPorts: number;
  /** Ports the host receives from (the pad's keys/pads); 1..16. */
  readonly outPorts: number;
}

/** Loads every module a USB MIDI gadget and its host side need (idempotent). */
export async function loadUsbGadgetModules(): Promise<void> {
  await loadModule('snd-seq');
  await loadModule('snd-seq-midi'); // turns each raw MIDI device into a sequencer client
  await loadModule('snd-usb-audio');
  await loadModule('dummy_hcd', [`num=${DUMMY_HCD_CONTROLLERS}`]);
  await loadModule('libcomposite');
  await loadModule('usb_f_midi');
}

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/**
 * A configfs USB MIDI gadget (f_midi) on dummy_hcd: the guest kernel is both the pad and the
 * USB host that snd-usb-audio drives, so plug/unplug produce real USB and ALSA hotplug.
 */
export class UsbMidiGadget {
  readonly #dir: string;
  readonly #fn: string;
  #udc: string | undefined;
  #ports: RawMidiDevice[] = [];

  private constructor(readonly spec: UsbMidiGadgetSpec) {
    this.#dir = join(GADGETS, spec.name);
    this.#fn = join(this.#dir, 'functions', `midi.${spec.name}`);
  }

  /** Builds the configfs tree (unplugged). Fails if a gadget of that name exists. */
  static async create(spec: UsbMidiGadgetSpec): Promise<UsbMidiGadget> {
    if (!/^[A-Za-z0-9]{1,15}$/.test(spec.name))
      throw new Error(`gadget name '${spec.name}' must be 1-15 letters or digits`);
    for (const [k, v] of [
      ['inPorts', spec.inPorts],
      ['outPorts', spec.outPorts],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 16) throw new Error(`gadget '${spec.name}': ${k}=${v} must be 1..16`);
    }
    await loadUsbGadgetModules();
    const g = new UsbMidiGadget(spec);
    if (existsSync(g.#dir)) throw new Error(`gadget '${spec.name}' already exists at ${g.#dir}`);
    g.#build();
    return g;
  }

  #build(): void {
    const { spec } = this;
    const put = (rel: string, value: string): void => writeFileSync(join(this.#dir, rel), value);
    mkdirSync(this.#dir);
    put('idVendor', hex4(spec.vendorId));
    put('idProduct', hex4(spec.productId));
    put('bcdUSB', '0x0200');
    put('bcdDevice', '0x0100');
    mkdirSync(join(this.#dir, 'strings/0x409'));
    put('strings/0x409/product', spec.product);
    if (spec.manufacturer !== undefined) put('strings/0x409/manufacturer', spec.manufacturer);
    if (spec.serialNumber !== undefined) put('strings/0x409/serialnumber', spec.serialNumber);
    mkdirSync(join(this.#dir, 'configs/c.1/strings/0x409'), { recursive: true });
    put('configs/c.1/strings/0x409/configuration', 'MIDI');
    mkdirSync(this.#fn);
    writeFileSync(join(this.#fn, 'in_ports'), String(spec.inPorts));
    writeFileSync(join(this.#fn, 'out_ports'), String(spec.outPorts));
    writeFileSync(join(this.#fn, 'id'), spec.name);
    symlinkSync(this.#fn, join(this.#dir, 'configs/c.1', `midi.${spec.name}`));
  }

  /** The dummy_udc this gadget is bound to while plugged, e.g. `dummy_udc.0`. */
  get udc(): string | undefined {
    return this.#udc;
  }

  get plugged(): boolean {
    return this.#udc !== undefined;
  }

  /** Binds to the first free dummy UDC: the host sees a device arrive. */
  plug(): void {
    if (this.#udc !== undefined) return;
    const udc = freeUdc();
    writeFileSync(join(this.#dir, 'UDC'), udc);
    this.#udc = udc;
  }

  /** Unbinds from the UDC: the host sees the device leave. Closes the gadget-side ports. */
  unplug(): void {
    if (this.#udc === undefined) return;
    this.closePorts();
    writeFileSync(join(this.#dir, 'UDC'), '\n');
    this.#udc = undefined;
  }

  /** Unplugs and deletes the configfs tree. */
  remove(): void {
    this.unplug();
    const rm = (p: string): void => {
      if (existsSync(p)) rmdirSync(p);
    };
    const link = join(this.#dir, 'configs/c.1', `midi.${this.spec.name}`);
    if (existsSync(link)) unlinkSync(link);
    rm(join(this.#dir, 'configs/c.1/strings/0x409'));
    rm(join(this.#dir, 'configs/c.1'));
    rm(this.#fn);
    rm(join(this.#dir, 'strings/0x409'));
    rm(this.#dir);
  }

  /** The gadget-side ALSA card f_midi creates while plugged (id = spec.name). */
  async gadgetCard(timeoutMs = 10_000): Promise<AlsaCard> {
    return waitFor(() => findCard((c) => c.driver === 'MIDI Gadget' && c.id === this.spec.name), {
      what: `gadget-side f_midi card '${this.spec.name}'`,
      timeoutMs,
    });
  }

  /** The host-side snd-usb-audio card for this gadget (its bus path names our dummy_hcd). */
  async hostCard(timeoutMs = 10_000): Promise<AlsaCard> {
    const bus = `usb-${this.#hcd()}-`;
    return waitFor(() => findCard((c) => c.driver === 'USB-Audio' && c.longName.includes(bus)), {
      what: `host-side USB-Audio card of gadget '${this.spec.name}' on ${this.#hcd()}`,
      timeoutMs,
    });
  }

  /** Waits until the host-side card has gone after unplug. */
  async waitHostCardGone(card: AlsaCard, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => findCard((c) => c.index === card.index && c.id === card.id) === undefined, {
      what: `host-side card ${card.index} [${card.id}] to disappear`,
      timeoutMs,
    });
  }

  /**
   * Opens the gadget side of every port (index 0 = port 1): write() plays the pad towards the
   * host, read*() returns what the host sent to the pad. Call after plug(); unplug() closes them.
   */
  async openPorts(): Promise<readonly RawMidiDevice[]> {
    if (this.#ports.length > 0) return this.#ports;
    const card = await this.gadgetCard();
    const path = rawMidiPath(card.index, 0);
    const { inPorts, outPorts } = this.spec;
    // Each open takes the lowest free substream, so opening in order maps index i to port i+1.
    for (let i = 0; i < Math.max(inPorts, outPorts); i++) {
      const mode = i < inPorts && i < outPorts ? 'rw' : i < outPorts ? 'write' : 'read';
      this.#ports.push(RawMidiDevice.open(path, mode));
    }
    return this.#ports;
  }

  closePorts(): void {
    for (const p of this.#ports) p.close();
    this.#ports = [];
  }

  #hcd(): string {
    if (this.#udc === undefined) throw new Error(`gadget '${this.spec.name}' is not plugged`);
    return this.#udc.replace('dummy_udc', 'dummy_hcd');
  }
}

/** The first dummy UDC no gadget is bound to. */
function freeUdc(): string {
  const used = new Set(
    readdirSync(GADGETS)
      .map((g) => readFileSync(join(GADGETS, g, 'UDC'), 'utf8').trim())
      .filter((u) => u !== ''),
  );
  const udc = readdirSync(UDC_CLASS)
    .filter((u) => u.startsWith('dummy_udc.'))
    .sort()
    .find((u) => !used.has(u));
  if (udc === undefined) throw new Error(`all ${DUMMY_HCD_CONTROLLERS} dummy UDCs are in use; unplug a gadget first`);
  return udc;
}
