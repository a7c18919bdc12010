import type { MidiPortInfo } from './midi-backend.js';
import { parseAlsaPortName } from './alsa-port-name.js';
import { resolveClientUsb, SysfsUsbIdentityReader } from './usb-identity.js';

/** The part of an RtMidi Input/Output that lists ports. */
export interface PortLister {
  getPortCount(): number;
  getPortName(index: number): string;
}

function listOnce(input: PortLister, output: PortLister): MidiPortInfo[] {
  const ports: MidiPortInfo[] = [];
  const collect = (rt: PortLister, direction: 'input' | 'output'): void => {
    const count = rt.getPortCount();
    for (let i = 0; i < count; i++) {
      const parsed = parseAlsaPortName(rt.getPortName(i));
      if (!parsed) continue;
      ports.push({
        id: `${parsed.client}:${parsed.port}:${direction}`,
        name: parsed.fullName,
        clientName: parsed.clientName,
        portIndex: parsed.port,
        direction,
      });
    }
  };
  collect(input, 'input');
  collect(output, 'output');
  return ports;
}

export function samePorts(a: readonly MidiPortInfo[], b: readonly MidiPortInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.id === b[i]?.id && p.name === b[i]?.name && JSON.stringify(p.usb) === JSON.stringify(b[i]?.usb))
  );
}

/**
 * Lists ALSA sequencer ports. RtMidi reads them by index, so a port registered or removed
 * mid-listing shifts the indices and yields a wrong or empty name: a listing counts only
 * when two in a row agree.
 */
export function listAlsaPorts(
  input: PortLister,
  output: PortLister,
  sysfs = new SysfsUsbIdentityReader(),
): MidiPortInfo[] {
  let previous = listOnce(input, output);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = listOnce(input, output);
    if (samePorts(previous, current)) return withUsbIdentities(current, sysfs);
    previous = current;
  }
  return withUsbIdentities(previous, sysfs);
}

function withUsbIdentities(ports: readonly MidiPortInfo[], sysfs: SysfsUsbIdentityReader): MidiPortInfo[] {
  const cards = sysfs.cards();
  const byClient = new Map<string, ReturnType<typeof resolveClientUsb>>();
  return ports.map((p) => {
    const client = p.id.split(':')[0] ?? '';
    if (!byClient.has(client)) byClient.set(client, resolveClientUsb(sysfs, cards, Number(client), p.clientName));
    const usb = byClient.get(client);
    return usb === undefined ? p : { ...p, usb };
  });
}
