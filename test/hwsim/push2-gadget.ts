import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCard, rawMidiPath } from './support/alsa-cards.js';
import { loadModule, runTool } from './support/kmod.js';
import { RawMidiDevice } from './support/rawmidi.js';
import { loadUsbGadgetModules } from './support/usb-gadget.js';
import { waitFor } from './support/wait.js';

const GADGETS = '/sys/kernel/config/usb_gadget';
const READER = fileURLToPath(new URL('./push2-ffs-reader.mjs', import.meta.url));

/**
 * A stand-in Push 2 on dummy_hcd: one composite gadget with Push 2's USB identity, a vendor
 * interface 0 with a bulk OUT endpoint (FunctionFS, served by push2-ffs-reader.mjs, which
 * captures every display frame as a file) and a two-port USB MIDI function (f_midi).
 */
export class Push2Gadget {
  readonly dir: string;
  readonly mount: string;
  readonly capture: string;
  #reader: ChildProcess | undefined;
  #udc: string | undefined;
  #ports: RawMidiDevice[] = [];

  private constructor(readonly name: string) {
    this.dir = join(GADGETS, name);
    this.mount = `/dev/ffs-${name}`;
    this.capture = mkdtempSync(join(tmpdir(), `${name}-capture-`));
  }

  static async create(name = 'p2disp'): Promise<Push2Gadget> {
    await loadUsbGadgetModules();
    await loadModule('usb_f_fs');
    const g = new Push2Gadget(name);
    const put = (rel: string, v: string): void => writeFileSync(join(g.dir, rel), v);
    mkdirSync(g.dir);
    put('idVendor', '0x2982');
    put('idProduct', '0x1967');
    put('bcdUSB', '0x0200');
    mkdirSync(join(g.dir, 'strings/0x409'));
    put('strings/0x409/product', 'Ableton Push 2');
    put('strings/0x409/manufacturer', 'Ableton AG');
    put('strings/0x409/serialnumber', 'P2-DISPLAY-01');
    mkdirSync(join(g.dir, 'configs/c.1/strings/0x409'), { recursive: true });
    put('configs/c.1/strings/0x409/configuration', 'Push 2');
    const ffs = join(g.dir, 'functions', `ffs.${name}`);
    const midi = join(g.dir, 'functions', `midi.${name}`);
    mkdirSync(ffs);
    mkdirSync(midi);
    writeFileSync(join(midi, 'in_ports'), '2');
    writeFileSync(join(midi, 'out_ports'), '2');
    writeFileSync(join(midi, 'id'), name);
    // Interfaces are numbered in link order: the display's must be interface 0, as on Push 2.
    symlinkSync(ffs, join(g.dir, 'configs/c.1', `ffs.${name}`));
    symlinkSync(midi, join(g.dir, 'configs/c.1', `midi.${name}`));
    mkdirSync(g.mount, { recursive: true });
    await runTool('mount', ['-t', 'functionfs', name, g.mount]);
    g.#reader = spawn(process.execPath, [READER, g.mount, g.capture], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitFor(() => existsSync(join(g.capture, 'ready')), {
      what: 'FunctionFS reader wrote its descriptors',
      timeoutMs: 30_000,
    });
    return g;
  }

  /** Binds to a free dummy UDC: the host sees Push 2 arrive. */
  plug(): void {
    if (this.#udc) return;
    const used = new Set(readdirSync(GADGETS).map((g) => readFileSync(join(GADGETS, g, 'UDC'), 'utf8').trim()));
    const udc = readdirSync('/sys/class/udc')
      .filter((u) => u.startsWith('dummy_udc.'))
      .sort()
      .find((u) => !used.has(u));
    if (!udc) throw new Error('no free dummy UDC');
    writeFileSync(join(this.dir, 'UDC'), udc);
    this.#udc = udc;
  }

  unplug(): void {
    if (!this.#udc) return;
    for (const p of this.#ports) p.close();
    this.#ports = [];
    writeFileSync(join(this.dir, 'UDC'), '\n');
    this.#udc = undefined;
  }

  /** The gadget side of the MIDI ports (index 1 = the User port): write() plays Push 2, read*() gets what the box sent. */
  async openPorts(): Promise<readonly RawMidiDevice[]> {
    if (this.#ports.length > 0) return this.#ports;
    const card = await waitFor(() => findCard((c) => c.driver === 'MIDI Gadget' && c.id === this.name), {
      what: `f_midi card '${this.name}'`,
      timeoutMs: 20_000,
    });
    const path = rawMidiPath(card.index, 0);
    this.#ports = [RawMidiDevice.open(path, 'rw'), RawMidiDevice.open(path, 'rw')];
    return this.#ports;
  }

  /** Captured display frames so far, oldest first. */
  frames(): string[] {
    return readdirSync(this.capture)
      .filter((f) => /^frame-\d+\.bin$/.test(f))
      .sort()
      .map((f) => join(this.capture, f));
  }

  frame(file: string): Uint8Array {
    return readFileSync(file);
  }

  async remove(): Promise<void> {
    this.unplug();
    this.#reader?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await runTool('umount', [this.mount]).catch(() => undefined);
    const rm = (p: string): void => {
      if (existsSync(p)) rmdirSync(p);
    };
    for (const f of [`ffs.${this.name}`, `midi.${this.name}`]) {
      const link = join(this.dir, 'configs/c.1', f);
      if (existsSync(link)) unlinkSync(link);
    }
    rm(join(this.dir, 'configs/c.1/strings/0x409'));
    rm(join(this.dir, 'configs/c.1'));
    rm(join(this.dir, 'functions', `ffs.${this.name}`));
    rm(join(this.dir, 'functions', `midi.${this.name}`));
    rm(join(this.dir, 'strings/0x409'));
    rm(this.dir);
  }
}
