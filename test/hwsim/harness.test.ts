/// <reference types="w3c-web-usb" />
/**
 * Self-tests of the hw-sim harness, run inside the VM by run-suites.sh: each kernel stand-in
 * the product's suites rely on must really work, end to end, through the same libraries the
 * box uses.
 */
import { Input, Output } from '@julusian/midi';
import { SerialPort } from 'serialport';
import { WebUSB } from 'usb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPortIndex, findSeqClient } from './support/alsa-seq.js';
import { createGpioSim } from './support/gpio-sim.js';
import { loadI2cStub } from './support/i2c-stub.js';
import { runTool } from './support/kmod.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { loadVirmidi, unloadVirmidi } from './support/virmidi.js';
import { waitFor } from './support/wait.js';

const NOTE_ON = [0x90, 0x24, 0x64];
const CC = [0xb0, 0x07, 0x64];

/** Collects messages an @julusian/midi Input receives. */
function recorder(input: Input): number[][] {
  const got: number[][] = [];
  input.on('message', (_dt, msg) => got.push(msg));
  return got;
}

describe('snd-virmidi', () => {
  it('loops bytes between raw device nodes and the ALSA sequencer', async () => {
    const vm = await loadVirmidi();
    const raw = vm.open(0);
    const input = new Input();
    const output = new Output();
    try {
      const idx = findPortIndex(input, vm.seqPortName(0));
      expect(idx, `sequencer port ${vm.seqPortName(0)}`).toBeDefined();
      const got = recorder(input);
      input.openPort(idx ?? -1);
      output.openPort(findPortIndex(output, vm.seqPortName(0)) ?? -1);
      raw.write(NOTE_ON); // raw node -> sequencer input
      await waitFor(() => got.length > 0, { what: 'note-on at the sequencer input' });
      expect(got[0]).toEqual(NOTE_ON);
      output.sendMessage(CC); // sequencer output -> raw node
      expect(await raw.readBytes(3)).toEqual(CC);
    } finally {
      input.closePort();
      output.closePort();
      raw.close();
    }
  });

  afterAll(async () => {
    // Later files must not find four extra "pads" the device layer would hand roles to.
    await unloadVirmidi();
  });
});

describe('USB MIDI gadget with Push 2 identity on dummy_hcd', () => {
  let gadget: UsbMidiGadget;
  const webusb = new WebUSB({ allowAllDevices: true });
  const events: string[] = [];
  const onConnect = (ev: USBConnectionEvent): void => {
    events.push(
      `connect ${ev.device.vendorId.toString(16)}:${ev.device.productId.toString(16)} ${ev.device.productName ?? ''} ${ev.device.serialNumber ?? ''}`,
    );
  };
  const onDisconnect = (ev: USBConnectionEvent): void => {
    events.push(`disconnect ${ev.device.vendorId.toString(16)}:${ev.device.productId.toString(16)}`);
  };

  beforeAll(async () => {
    gadget = await UsbMidiGadget.create({
      name: 'push2',
      vendorId: 0x2982,
      productId: 0x1967,
      product: 'Ableton Push 2',
      manufacturer: 'Ableton AG',
      serialNumber: 'HWSIM0001',
      inPorts: 2,
      outPorts: 2,
    });
    webusb.addEventListener('connect', onConnect);
    webusb.addEventListener('disconnect', onDisconnect);
    await webusb.getDevices(); // hotplug is armed once the listener's native side is set up
  });

  afterAll(() => {
    webusb.removeEventListener('connect', onConnect);
    webusb.removeEventListener('disconnect', onDisconnect);
    gadget.remove();
  });

  it('appears as ALSA client "Ableton Push 2" with two ports, and WebUSB reports the plug', async () => {
    gadget.plug();
    const client = await waitFor(() => findSeqClient('Ableton Push 2'), { what: "sequencer client 'Ableton Push 2'" });
    expect(client.ports.map((p) => p.name)).toEqual(['Ableton Push 2 MIDI 1', 'Ableton Push 2 MIDI 2']);
    await waitFor(() => events.find((e) => e.startsWith('connect 2982:1967')), { what: 'WebUSB connect event' });
    expect(events).toContain('connect 2982:1967 Ableton Push 2 HWSIM0001');
  });

  it('carries bytes both ways between the pad (gadget side) and @julusian/midi (host side)', async () => {
    const ports = await gadget.openPorts();
    const user = ports[1];
    if (user === undefined) throw new Error('gadget has no second port');
    const input = new Input();
    const output = new Output();
    try {
      const inIdx = findPortIndex(input, 'Ableton Push 2 MIDI 2');
      const outIdx = findPortIndex(output, 'Ableton Push 2 MIDI 2');
      expect(inIdx).toBeDefined();
      expect(outIdx).toBeDefined();
      const got = recorder(input);
      input.openPort(inIdx ?? -1);
      output.openPort(outIdx ?? -1);
      user.write(NOTE_ON); // the pad plays on its second (User) port
      await waitFor(() => got.length > 0, { what: 'pad note-on at the host input' });
      expect(got[0]).toEqual(NOTE_ON);
      output.sendMessage(CC); // the host answers on the same port
      expect(await user.readBytes(3)).toEqual(CC);
      expect(ports[0]?.take()).toEqual([]); // nothing leaked to the Live port
    } finally {
      input.closePort();
      output.closePort();
    }
  });

  it('disappears on unplug, with a WebUSB disconnect, and comes back on replug', async () => {
    const card = await gadget.hostCard();
    gadget.unplug();
    await gadget.waitHostCardGone(card);
    await waitFor(() => findSeqClient('Ableton Push 2') === undefined, { what: 'sequencer client to leave' });
    await waitFor(() => events.includes('disconnect 2982:1967'), { what: 'WebUSB disconnect event' });
    gadget.plug();
    await waitFor(() => findSeqClient('Ableton Push 2'), { what: 'sequencer client after replug' });
    await waitFor(() => events.filter((e) => e.startsWith('connect 2982:1967')).length === 2, {
      what: 'second WebUSB connect',
    });
  });
});

describe('i2c-stub', () => {
  it('answers at 0x48 through i2c-dev', async () => {
    const bus = await loadI2cStub();
    await runTool('i2cset', ['-y', String(bus), '0x48', '0x01', '0xab']);
    expect((await runTool('i2cget', ['-y', String(bus), '0x48', '0x01'])).trim()).toBe('0xab');
  });
});

describe('second UART', () => {
  it('passes bytes to the host-side peer on /dev/ttyS1 at 31250 baud and gets them back', async () => {
    const tty = process.env['HWSIM_DIN_TTY'] ?? '/dev/ttyS1';
    const port = new SerialPort({ path: tty, baudRate: 31_250, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    const got: number[] = [];
    port.on('data', (chunk: Buffer) => got.push(...chunk));
    try {
      const clock = [0xfa, 0xf8, 0xf8, 0xf8, 0xfc];
      port.write(Buffer.from(clock));
      await waitFor(() => got.length >= clock.length, {
        what: `echo of ${clock.length} bytes from the DIN peer (got ${got.length})`,
      });
      expect(got).toEqual(clock);
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });
});

describe('gpio-sim', () => {
  it('is found by label, and a pulled line reads back through the chardev', async () => {
    const chip = await createGpioSim('harness', 'antiphon-buttons', 8, ['tap', 'led']);
    try {
      expect(chip.sysfsBase).toBeGreaterThanOrEqual(0);
      const detect = await runTool('gpiodetect', []);
      expect(detect).toContain(`${chip.chipName} [antiphon-buttons] (8 lines)`);
      chip.setPull(0, 'pull-up');
      expect((await runTool('gpioget', [chip.chipName, '0'])).trim()).toBe('1');
      chip.setPull(0, 'pull-down');
      expect((await runTool('gpioget', [chip.chipName, '0'])).trim()).toBe('0');
    } finally {
      chip.remove();
    }
  });
});
