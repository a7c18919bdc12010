import { describe, expect, it } from 'vitest';
import { scanDevices } from './device-scan.js';
import { RoleBook } from './roles.js';
import type { MidiPortInfo } from './midi-backend.js';
import type { UsbIdentity } from './usb-identity.js';

function ports(client: number, clientName: string, inputs: string[], outputs: string[]): MidiPortInfo[] {
  const mk = (dir: 'input' | 'output', names: string[]): MidiPortInfo[] =>
    names.map((n, i) => ({
      id: `${client}:${i}:${dir}`,
      name: `${clientName}:${n} ${client}:${i}`,
      clientName,
      portIndex: i,
      direction: dir,
    }));
  return [...mk('input', inputs), ...mk('output', outputs)];
}

/** Attaches to each port the USB identity a backend would report for its client. */
function withUsb(
  list: MidiPortInfo[],
  resolve: (client: number, name: string) => UsbIdentity | undefined,
): MidiPortInfo[] {
  return list.map((p) => {
    const usb = resolve(Number(p.id.split(':')[0]), p.clientName);
    return usb ? { ...p, usb } : p;
  });
}

const usbFor = (serials: Record<string, string | undefined>) => (_client: number, name: string) =>
  name in serials
    ? { vendorId: 0x1234, productId: 0x5678, serial: serials[name], busPath: `1-${name.length}` }
    : undefined;

describe('device identity and roles', () => {
  it('keeps the identity across replug although the ALSA client number changes', () => {
    const resolve = usbFor({ Pad: 'A1' });
    const first = scanDevices(withUsb(ports(24, 'Pad', ['Pad MIDI 1'], ['Pad MIDI 1']), resolve));
    const again = scanDevices(withUsb(ports(28, 'Pad', ['Pad MIDI 1'], ['Pad MIDI 1']), resolve));
    expect(first[0]?.instanceKey).not.toBe(again[0]?.instanceKey);
    expect(first[0]?.identity).toBe(again[0]?.identity);
    expect(first[0]?.identity).toBe('usb:1234:5678:A1:Pad');
    expect(first[0]?.description.inputPortNames).toEqual(['Pad MIDI 1']);
  });

  it('tells serial-less twins apart by USB socket', () => {
    const resolve = (client: number, name: string) => ({
      vendorId: 1,
      productId: 2,
      busPath: `1-${client}`,
      ...(name ? {} : {}),
    });
    const found = scanDevices(withUsb([...ports(24, 'Pad', ['p'], []), ...ports(28, 'Pad', ['p'], [])], resolve));
    expect(new Set(found.map((d) => d.identity)).size).toBe(2);
  });

  it('gives the first pad the human and response roles, and gives them back on replug', () => {
    const book = new RoleBook();
    const resolve = usbFor({ A: 'a', B: 'b' });
    const a = scanDevices(withUsb(ports(24, 'A', ['A in'], ['A out']), resolve));
    const ab = scanDevices(
      withUsb([...ports(24, 'A', ['A in'], ['A out']), ...ports(28, 'B', ['B in'], ['B out'])], resolve),
    );
    const bOnly = scanDevices(withUsb(ports(28, 'B', ['B in'], ['B out']), resolve));
    const replugged = scanDevices(
      withUsb([...ports(28, 'B', ['B in'], ['B out']), ...ports(32, 'A', ['A in'], ['A out'])], resolve),
    );
    const idA = a[0]?.identity ?? '';
    const idB = bOnly[0]?.identity ?? '';
    expect(book.assign(a).get(idA)).toEqual(['human', 'response']);
    expect(book.assign(ab).get(idB)).toEqual([]);
    expect(book.assign(bOnly).get(idB)).toEqual(['human', 'response']);
    const back = book.assign(replugged);
    expect(back.get(idA)).toEqual(['human', 'response']);
    expect(back.get(idB)).toEqual([]);
  });

  it('applies config pins before defaults', () => {
    const book = new RoleBook([
      { match: 'B', roles: ['human'] },
      { match: 'Synth', roles: ['response', 'clock-out'] },
    ]);
    const found = scanDevices(
      withUsb(
        [
          ...ports(24, 'A', ['A in'], ['A out']),
          ...ports(28, 'B', ['B in'], []),
          ...ports(32, 'Synth', [], ['Synth in']),
        ],
        () => undefined,
      ),
    );
    const roles = book.assign(found);
    expect(roles.get('alsa:A')).toEqual([]);
    expect(roles.get('alsa:B')).toEqual(['human']);
    expect(roles.get('alsa:Synth')).toEqual(['response', 'clock-out']);
  });

  it('keeps a configured human role for its device instead of handing it to another', () => {
    const book = new RoleBook([
      { match: 'MyPad', roles: ['human'] },
      { match: 'Module', roles: ['thru'] },
    ]);
    const found = scanDevices(
      withUsb([...ports(24, 'Module', ['in'], ['out']), ...ports(28, 'Other', ['in'], ['out'])], () => undefined),
    );
    const roles = book.assign(found);
    expect(roles.get('alsa:Module')).toEqual(['thru']);
    expect(roles.get('alsa:Other')).toEqual(['response']);
  });

  it('sends the response to another output when the human pad has no output port', () => {
    const found = scanDevices(
      withUsb([...ports(24, 'Pad', ['in'], []), ...ports(28, 'Module', [], ['in'])], () => undefined),
    );
    const roles = new RoleBook().assign(found);
    expect(roles.get('alsa:Pad')).toEqual(['human']);
    expect(roles.get('alsa:Module')).toEqual(['response']);
  });
});
