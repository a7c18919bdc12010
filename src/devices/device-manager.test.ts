import { describe, expect, it } from 'vitest';
import { DeviceManager, type ConnectedDevice } from './device-manager.js';
import { SimMidiBackend, type SimDeviceSpec } from './sim-backend.js';
import { RoleBook } from './roles.js';
import type { UsbIdentity } from './usb-identity.js';
import type { MidiMessage } from '../midi/message.js';

interface Harness {
  backend: SimMidiBackend;
  /** Plugs with the USB identity the setup gave the client name, as ALSA would report it. */
  plug: (spec: SimDeviceSpec, intoClient?: number) => number;
  manager: DeviceManager;
  log: string[];
  messages: MidiMessage[];
}

let clockMs = 0;

function setup(
  usb: Record<string, UsbIdentity> = {},
  pins = new RoleBook(),
  ignore: string[] = [],
  settleMs = 0,
): Harness {
  const backend = new SimMidiBackend(() => 0);
  const log: string[] = [];
  const messages: MidiMessage[] = [];
  const name = (d: ConnectedDevice): string => d.found.description.clientName;
  const manager = new DeviceManager({
    backend,
    roles: pins,
    ignore,
    settleMs,
    now: () => clockMs,
    listener: {
      attached: (d) => log.push(`+${name(d)}`),
      detached: (d, released) => log.push(`-${name(d)} released ${released.length}`),
      rolesChanged: (d) => log.push(`${name(d)}=${d.roles.join(',')}`),
      message: (_d, t) => messages.push(t.message),
      error: (id, e) => log.push(`!${id} ${e.message}`),
    },
  });
  const plug = (spec: SimDeviceSpec, intoClient?: number): number => {
    const identity = usb[spec.clientName];
    return backend.plug(identity ? { ...spec, usb: identity } : spec, intoClient);
  };
  return { backend, plug, manager, log, messages };
}

const PAD_USB: UsbIdentity = { vendorId: 0x09e8, productId: 0x0034, serial: 'S1', busPath: '1-1' };

describe('DeviceManager', () => {
  it('attaches a pad, gives it the human and response roles, and decodes what it plays', () => {
    const h = setup({ Pad: PAD_USB });
    const c = h.plug({ clientName: 'Pad', inputs: ['Pad MIDI 1'], outputs: ['Pad MIDI 1'] });
    h.manager.scan();
    expect(h.log).toEqual(['+Pad', 'Pad=human,response']);
    h.backend.feed(`${c}:0:input`, [0x99, 36, 100, 0x89, 36, 0]);
    expect(h.messages).toEqual([
      { type: 'noteOn', channel: 9, note: 36, velocity: 100 },
      { type: 'noteOff', channel: 9, note: 36, velocity: 0 },
    ]);
    expect(h.manager.sendToRole('response', { type: 'noteOn', channel: 9, note: 38, velocity: 90 }, 'voice:A')).toBe(1);
    expect(h.backend.drain(`${c}:0:output`)).toEqual([Uint8Array.from([0x99, 38, 90])]);
  });

  it('releases the notes a pad left sounding when it vanishes mid-note, on the outputs that played them', () => {
    const h = setup({ Pad: PAD_USB }, new RoleBook([{ match: 'Module', roles: ['thru'] }]));
    const module = h.plug({ clientName: 'Module', outputs: ['Module In'] });
    const pad = h.plug({ clientName: 'Pad', inputs: ['Pad MIDI 1'], outputs: ['Pad MIDI 1'] });
    h.manager.scan();
    h.backend.feed(`${pad}:0:input`, [0x99, 36, 100, 0x99, 42, 80, 0x89, 42, 0]);
    expect(h.backend.drain(`${module}:0:output`).map((b) => [...b])).toEqual([
      [0x99, 36, 100],
      [0x99, 42, 80],
      [0x89, 42, 0],
    ]);
    h.backend.unplug(pad);
    h.manager.scan();
    expect(h.log).toContain('-Pad released 1');
    expect(h.backend.drain(`${module}:0:output`).map((b) => [...b])).toEqual([[0x89, 36, 0]]);
  });

  it('gives a replugged pad its identity and roles back, with a new ALSA client', () => {
    const h = setup({ Pad: PAD_USB, Spare: { ...PAD_USB, serial: 'S2', busPath: '1-2' } });
    const pad = h.plug({ clientName: 'Pad', inputs: ['Pad MIDI 1'], outputs: ['Pad MIDI 1'] });
    h.plug({ clientName: 'Spare', inputs: ['Spare MIDI 1'], outputs: ['Spare MIDI 1'] });
    h.manager.scan();
    const identity = h.manager.devices()[0]?.found.identity;
    h.backend.unplug(pad);
    h.manager.scan();
    expect(h.manager.devices().map((d) => [d.found.description.clientName, d.roles.join()])).toEqual([
      ['Spare', 'human,response'],
    ]);
    h.plug({ clientName: 'Pad', inputs: ['Pad MIDI 1'], outputs: ['Pad MIDI 1'] });
    h.manager.scan();
    const back = h.manager.devices().find((d) => d.found.description.clientName === 'Pad');
    expect(back?.found.identity).toBe(identity);
    expect(back?.found.instanceKey).not.toBe(String(pad));
    expect(back?.roles).toEqual(['human', 'response']);
    expect(h.manager.devices().find((d) => d.found.description.clientName === 'Spare')?.roles).toEqual([]);
  });

  it('reopens a device caught half-registered once all its ports exist', () => {
    const h = setup({ Pad: PAD_USB });
    const c = h.plug({ clientName: 'Pad', outputs: ['Pad MIDI 1'] });
    h.manager.scan();
    expect(h.manager.devices()[0]?.found.profile?.id).toBe('generic-output');
    h.plug({ clientName: 'Pad', inputs: ['Pad MIDI 1'] }, c);
    h.manager.scan();
    const [pad] = h.manager.devices();
    expect(pad?.found.profile?.id).toBe('generic-pad');
    expect(pad?.roles).toEqual(['human', 'response']);
    h.backend.feed(`${c}:0:input`, [0x99, 36, 100]);
    expect(h.messages).toHaveLength(1);
  });

  it('reopens a device whose port handle went dead while it stayed listed', () => {
    const h = setup();
    const c = h.plug({ clientName: 'Pad', inputs: ['p'], outputs: [] });
    h.manager.scan();
    h.backend.breakHandles(`${c}:0:input`);
    h.manager.scan();
    expect(h.log).toEqual(['+Pad', 'Pad=human', '-Pad released 0', '+Pad', 'Pad=human']);
    h.backend.feed(`${c}:0:input`, [0x99, 36, 100]);
    expect(h.messages).toHaveLength(1);
  });

  it("waits for a USB device's identity before opening it", () => {
    const backend = new SimMidiBackend(() => 0);
    const opened: string[] = [];
    const manager = new DeviceManager({
      backend,
      roles: new RoleBook(),
      now: () => 0,
      listener: { attached: (d) => opened.push(d.found.identity) },
    });
    const c = backend.plug({ clientName: 'Pad', inputs: ['p'], outputs: [], usb: 'pending' });
    manager.scan();
    expect(opened).toEqual([]);
    expect(manager.waiting).toBe(true);
    backend.setUsb(c, PAD_USB);
    manager.scan();
    expect(opened).toEqual(['usb:09e8:0034:S1:Pad']);
  });

  it('opens a USB device whose serial number never appears, under its client name, after the identity wait', () => {
    let nowMs = 0;
    const backend = new SimMidiBackend(() => nowMs);
    const opened: string[] = [];
    const manager = new DeviceManager({
      backend,
      roles: new RoleBook(),
      now: () => nowMs,
      identityWaitMs: 2000,
      listener: { attached: (d) => opened.push(d.found.identity) },
    });
    backend.plug({ clientName: 'Pad', inputs: ['p'], outputs: [], usb: 'pending' });
    manager.scan();
    nowMs = 1999;
    manager.scan();
    expect(opened).toEqual([]);
    nowMs = 2000;
    manager.scan();
    expect(opened).toEqual(['alsa:Pad']);
    expect(manager.waiting).toBe(false);
  });

  it('opens a new device only once it has settled', () => {
    const h = setup({}, new RoleBook(), [], 100);
    clockMs = 1000;
    h.plug({ clientName: 'Pad', inputs: ['p'], outputs: [] });
    h.manager.scan();
    expect(h.manager.devices()).toEqual([]);
    clockMs = 1060;
    h.manager.scan();
    expect(h.manager.devices()).toEqual([]);
    clockMs = 1100;
    h.manager.scan();
    expect(h.manager.devices()).toHaveLength(1);
  });

  it('opens Push 2 on its User port and switches it to User mode', () => {
    const h = setup({ 'Ableton Push 2': { vendorId: 0x2982, productId: 0x1967, busPath: '1-3' } });
    const c = h.plug({
      clientName: 'Ableton Push 2',
      inputs: ['Ableton Push 2 MIDI 1', 'Ableton Push 2 MIDI 2'],
      outputs: ['Ableton Push 2 MIDI 1', 'Ableton Push 2 MIDI 2'],
    });
    h.manager.scan();
    const dev = h.manager.devices()[0];
    expect(dev?.found.profile?.id).toBe('push2');
    expect(dev?.input?.port.portIndex).toBe(1);
    expect(h.backend.drain(`${c}:1:output`).map((b) => [...b])).toEqual([
      [0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7],
    ]);
    expect(h.backend.drain(`${c}:0:output`)).toEqual([]);
  });

  it('survives garbage from a device and a scan that finds nothing new', () => {
    const h = setup();
    const c = h.plug({ clientName: 'Pad', inputs: ['p'], outputs: [] });
    h.manager.scan();
    h.backend.feed(`${c}:0:input`, [0x45, 0x12, 0xf4, 0x99, 36]);
    h.backend.feed(`${c}:0:input`, [100]);
    h.manager.scan();
    expect(h.messages).toEqual([{ type: 'noteOn', channel: 9, note: 36, velocity: 100 }]);
    expect(h.log).toEqual(['+Pad', 'Pad=human']);
  });

  it('never opens ignored devices', () => {
    const h = setup({}, new RoleBook(), ['f_midi']);
    h.plug({ clientName: 'f_midi', inputs: ['f_midi'], outputs: ['f_midi'] });
    h.plug({ clientName: 'Pad', inputs: ['p'], outputs: [] });
    h.manager.scan();
    expect(h.manager.devices().map((d) => d.found.description.clientName)).toEqual(['Pad']);
  });

  it('panic releases everything every source left sounding', () => {
    const h = setup();
    const c = h.plug({ clientName: 'Pad', inputs: ['p'], outputs: ['p'] });
    h.manager.scan();
    h.manager.sendToRole('response', { type: 'noteOn', channel: 9, note: 36, velocity: 1 }, 'voice:A');
    h.manager.sendToRole('response', { type: 'noteOn', channel: 9, note: 38, velocity: 1 }, 'voice:B');
    h.backend.drain(`${c}:0:output`);
    expect(h.manager.releaseAll()).toHaveLength(2);
    expect(h.backend.drain(`${c}:0:output`).map((b) => [...b])).toEqual([
      [0x89, 36, 0],
      [0x89, 38, 0],
    ]);
  });
});
