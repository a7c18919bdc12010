import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceService } from '../../src/devices/device-service.js';
import { RoleBook } from '../../src/devices/roles.js';
import type { ConnectedDevice } from '../../src/devices/device-manager.js';
import type { MidiMessage } from '../../src/midi/message.js';
import { openHardware } from '../../src/system/hardware.js';
import { createLogger } from '../../src/system/log.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { startUdevd } from './support/udev.js';
import { waitFor } from './support/wait.js';

const USER_MODE_SYSEX = [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7];

describe('Push 2: a gadget with its USB identity and two MIDI ports', () => {
  let gadget: UsbMidiGadget;
  let service: DeviceService;
  const messages: MidiMessage[] = [];

  beforeAll(async () => {
    await startUdevd();
    gadget = await UsbMidiGadget.create({
      name: 'push2',
      vendorId: 0x2982,
      productId: 0x1967,
      product: 'Ableton Push 2',
      manufacturer: 'Ableton AG',
      serialNumber: 'P2-TEST-0001',
      inPorts: 2,
      outPorts: 2,
    });
    const hw = openHardware();
    expect(hw.missing).toEqual([]);
    service = new DeviceService({
      ...hw,
      roles: new RoleBook(),
      pollMs: 250,
      ignore: ['f_midi'],
      log: createLogger('warn', true),
      listener: { message: (_d, t) => messages.push(t.message) },
    });
    service.start();
  });

  afterAll(() => {
    service?.stop();
    gadget?.remove();
  });

  it('is matched by USB id, opened on the User port, switched to User mode, and played on that port', async () => {
    gadget.plug();
    // The gadget side exists as soon as it is bound, well before the host has enumerated it,
    // so its ports are open and buffering before the box can send its init sysex.
    const [live, user] = await gadget.openPorts();
    if (!live || !user) throw new Error('gadget needs two ports');
    const push = await waitFor(
      () => service.manager.devices().find((d: ConnectedDevice) => d.found.description.clientName === 'Ableton Push 2'),
      { what: 'Push 2 attached', timeoutMs: 10_000 },
    );
    expect(push.found.profile?.id).toBe('push2');
    expect(push.found.description.usb).toMatchObject({ vendorId: 0x2982, productId: 0x1967, serial: 'P2-TEST-0001' });
    expect(push.input?.port.portIndex).toBe(1);
    expect(push.output?.port.portIndex).toBe(1);
    expect(push.roles).toEqual(['human', 'response']);

    expect(await user.readBytes(USER_MODE_SYSEX.length)).toEqual(USER_MODE_SYSEX);
    expect(live.take()).toEqual([]);

    // A pad hit on the User port reaches the box; the same on the Live port does not.
    live.write([0x90, 40, 100]);
    user.write([0x90, 36, 110]);
    await waitFor(() => messages.some((m) => m.type === 'noteOn' && m.note === 36), {
      what: 'pad 36 on the User port',
    });
    expect(messages.some((m) => m.type === 'noteOn' && m.note === 40)).toBe(false);

    // The response goes back out of the User port only.
    service.manager.sendToRole('response', { type: 'noteOn', channel: 0, note: 36, velocity: 126 }, 'test');
    expect(await user.readBytes(3)).toEqual([0x90, 36, 126]);
    expect(live.take()).toEqual([]);
  });
});
