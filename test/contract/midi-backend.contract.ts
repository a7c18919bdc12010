import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { MidiBackend, MidiPortInfo } from '../../src/devices/midi-backend.js';
import { PortUnavailable } from '../../src/devices/midi-backend.js';

/** A device on the far side of the seam: a simulated one, or a real USB gadget in the VM. */
export interface ContractDevice {
  readonly clientName: string;
  /** The device sends these bytes to the box. */
  play(bytes: readonly number[]): Promise<void>;
  /** Everything the box has sent to the device so far (concatenated). */
  heard(): Promise<number[]>;
  unplug(): Promise<void>;
}

export interface ContractFixture {
  readonly backend: MidiBackend;
  /** Plugs a fresh device with one input and one output port and waits until ALSA lists it. */
  plugDevice(): Promise<ContractDevice>;
  dispose(): Promise<void>;
}

/** Polls until `check` is true; real kernels deliver asynchronously, the simulator at once. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function portsOf(backend: MidiBackend, clientName: string): MidiPortInfo[] {
  return backend.listPorts().filter((p) => p.clientName === clientName);
}

/** One contract for every MidiBackend: the simulator always, ALSA inside the hw-sim VM. */
export function describeMidiBackendContract(label: string, makeFixture: () => Promise<ContractFixture>): void {
  describe(`MidiBackend contract: ${label}`, () => {
    let fx: ContractFixture;
    let device: ContractDevice;
    const input = (): MidiPortInfo => {
      const p = portsOf(fx.backend, device.clientName).find((q) => q.direction === 'input');
      if (!p) throw new Error('device has no input port');
      return p;
    };
    const output = (): MidiPortInfo => {
      const p = portsOf(fx.backend, device.clientName).find((q) => q.direction === 'output');
      if (!p) throw new Error('device has no output port');
      return p;
    };

    beforeEach(async () => {
      fx = await makeFixture();
      device = await fx.plugDevice();
    });
    afterEach(async () => {
      await fx.dispose();
    });

    it('lists the device with an input and an output port named after its client', () => {
      const ports = portsOf(fx.backend, device.clientName);
      expect(ports.some((p) => p.direction === 'input')).toBe(true);
      expect(ports.some((p) => p.direction === 'output')).toBe(true);
      for (const p of ports) expect(p.name).toContain(device.clientName);
    });

    it('delivers what the device plays, in order, with non-decreasing timestamps', async () => {
      const got: number[] = [];
      const stamps: number[] = [];
      const h = fx.backend.openInput(input().id);
      h.onData((bytes, t) => {
        got.push(...bytes);
        stamps.push(t);
      });
      const played = [0x99, 36, 100, 0x89, 36, 0, 0x99, 38, 90, 0x89, 38, 0, 0xf8];
      await device.play(played);
      await eventually(() => got.length >= played.length);
      expect(got).toEqual(played);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1] ?? 0);
      h.close();
    });

    it('delivers sysex whole', async () => {
      const got: number[] = [];
      const h = fx.backend.openInput(input().id);
      h.onData((bytes) => got.push(...bytes));
      const sysex = [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7];
      await device.play(sysex);
      await eventually(() => got.length >= sysex.length);
      expect(got).toEqual(sysex);
      h.close();
    });

    it('sends bytes to the device', async () => {
      const h = fx.backend.openOutput(output().id);
      expect(h.send(Uint8Array.from([0x99, 42, 64]))).toBe(true);
      expect(h.send(Uint8Array.from([0x89, 42, 0]))).toBe(true);
      await eventually(async () => (await device.heard()).length >= 6);
      expect(await device.heard()).toEqual([0x99, 42, 64, 0x89, 42, 0]);
      h.close();
    });

    it('refuses unknown ports with PortUnavailable naming the port', () => {
      expect(() => fx.backend.openInput('999:9:input')).toThrow(PortUnavailable);
      expect(() => fx.backend.openOutput('999:9:output')).toThrow(/999:9:output/);
    });

    it('reports gone exactly once per handle after unplug, and send then returns false', async () => {
      const inH = fx.backend.openInput(input().id);
      const outH = fx.backend.openOutput(output().id);
      let inGone = 0;
      let outGone = 0;
      inH.onGone(() => inGone++);
      outH.onGone(() => outGone++);
      await device.unplug();
      await eventually(() => {
        fx.backend.refresh();
        return inGone === 1 && outGone === 1;
      });
      fx.backend.refresh();
      expect([inGone, outGone]).toEqual([1, 1]);
      expect(outH.send(Uint8Array.from([0x90, 1, 1]))).toBe(false);
      expect(portsOf(fx.backend, device.clientName)).toEqual([]);
    });

    it('closes idempotently', () => {
      const inH = fx.backend.openInput(input().id);
      const outH = fx.backend.openOutput(output().id);
      inH.close();
      inH.close();
      outH.close();
      outH.close();
      expect(outH.send(Uint8Array.from([0xf8]))).toBe(false);
    });

    it('lists a replugged device again under the same client name', async () => {
      const before = input().name.replace(/ \d+:\d+$/, '');
      await device.unplug();
      await eventually(() => portsOf(fx.backend, device.clientName).length === 0);
      device = await fx.plugDevice();
      expect(input().name.replace(/ \d+:\d+$/, '')).toBe(before);
    });
  });
}
