import type { MidiPortInfo } from './midi-backend.js';
import { profileFor, type DeviceDescription, type DeviceProfile } from './profiles.js';
import { formatUsbId, type UsbIdentity } from './usb-identity.js';

/** A device as one scan of the port list sees it. */
export interface FoundDevice {
  /** This plug-in of the device (the ALSA client): changes on every replug. */
  readonly instanceKey: string;
  /** Who the device is: USB identity + client name; survives replugging. */
  readonly identity: string;
  readonly description: DeviceDescription;
  readonly profile: DeviceProfile | undefined;
  readonly inputs: readonly MidiPortInfo[];
  readonly outputs: readonly MidiPortInfo[];
}

/** Looks up the USB identity behind an ALSA client, if it is a USB device. */
export type UsbResolver = (client: number, clientName: string) => UsbIdentity | undefined;

const stripNumbers = (fullName: string, clientName: string): string =>
  fullName.replace(/ \d+:\d+$/, '').replace(`${clientName}:`, '');

function clientOf(port: MidiPortInfo): number {
  return Number(port.id.split(':')[0]);
}

/**
 * Groups ports into devices and names each by an identity that survives replugging. Twins
 * (same USB ids, no serial) are told apart by the USB socket they sit in.
 */
export function scanDevices(ports: readonly MidiPortInfo[], resolveUsb: UsbResolver): FoundDevice[] {
  const byClient = new Map<number, MidiPortInfo[]>();
  for (const p of ports) {
    const c = clientOf(p);
    byClient.set(c, [...(byClient.get(c) ?? []), p]);
  }
  const devices = [...byClient.entries()]
    .sort(([a], [b]) => a - b)
    .map(([client, clientPorts]): Omit<FoundDevice, 'identity'> & { baseIdentity: string } => {
      const first = clientPorts[0];
      const clientName = first?.clientName ?? '';
      const byIndex = (dir: 'input' | 'output'): MidiPortInfo[] =>
        clientPorts.filter((p) => p.direction === dir).sort((a, b) => a.portIndex - b.portIndex);
      const inputs = byIndex('input');
      const outputs = byIndex('output');
      const usb = resolveUsb(client, clientName);
      const description: DeviceDescription = {
        clientName,
        ...(usb ? { usb } : {}),
        inputPortNames: inputs.map((p) => stripNumbers(p.name, clientName)),
        outputPortNames: outputs.map((p) => stripNumbers(p.name, clientName)),
      };
      const baseIdentity = usb
        ? `usb:${formatUsbId(usb)}:${usb.serial ?? '-'}:${clientName}`
        : `alsa:${clientName}`;
      return { instanceKey: String(client), baseIdentity, description, profile: profileFor(description), inputs, outputs };
    });
  const counts = new Map<string, number>();
  for (const d of devices) counts.set(d.baseIdentity, (counts.get(d.baseIdentity) ?? 0) + 1);
  return devices.map(({ baseIdentity, ...d }) => ({
    ...d,
    identity:
      (counts.get(baseIdentity) ?? 0) > 1 && d.description.usb ? `${baseIdentity}@${d.description.usb.busPath}` : baseIdentity,
  }));
}
