import type { MidiPortInfo } from './midi-backend.js';
import { profileFor, type DeviceDescription, type DeviceProfile } from './profiles.js';
import { formatUsbId } from './usb-identity.js';

/** A device as one scan of the port list sees it. */
export interface FoundDevice {
  /**
   * This plug-in of the device as seen now: ALSA client, identity and port set. It changes on
   * every replug, and also while the kernel is still registering a new device's ports or
   * sysfs, so a device caught half-registered is opened again once it is complete.
   */
  readonly instanceKey: string;
  /** Who the device is: USB identity + client name; survives replugging. */
  readonly identity: string;
  readonly description: DeviceDescription;
  readonly profile: DeviceProfile | undefined;
  readonly inputs: readonly MidiPortInfo[];
  readonly outputs: readonly MidiPortInfo[];
  /** A USB device whose identity cannot be read yet: opening it now would name it wrongly. */
  readonly identityPending: boolean;
}

const stripNumbers = (fullName: string, clientName: string): string =>
  fullName.replace(/ \d+:\d+$/, '').replace(`${clientName}:`, '');

function clientOf(port: MidiPortInfo): number {
  return Number(port.id.split(':')[0]);
}

/**
 * Groups ports into devices and names each by an identity that survives replugging. Twins
 * (same USB ids, no serial) are told apart by the USB socket they sit in.
 */
export function scanDevices(ports: readonly MidiPortInfo[]): FoundDevice[] {
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
      const resolved = first?.usb;
      const usb = resolved === 'pending' ? undefined : resolved;
      const description: DeviceDescription = {
        clientName,
        ...(usb ? { usb } : {}),
        inputPortNames: inputs.map((p) => stripNumbers(p.name, clientName)),
        outputPortNames: outputs.map((p) => stripNumbers(p.name, clientName)),
      };
      const baseIdentity = usb ? `usb:${formatUsbId(usb)}:${usb.serial ?? '-'}:${clientName}` : `alsa:${clientName}`;
      return {
        instanceKey: String(client),
        baseIdentity,
        description,
        profile: profileFor(description),
        inputs,
        outputs,
        identityPending: resolved === 'pending',
      };
    });
  const counts = new Map<string, number>();
  for (const d of devices) counts.set(d.baseIdentity, (counts.get(d.baseIdentity) ?? 0) + 1);
  return devices.map(({ baseIdentity, ...d }) => {
    const identity =
      (counts.get(baseIdentity) ?? 0) > 1 && d.description.usb
        ? `${baseIdentity}@${d.description.usb.busPath}`
        : baseIdentity;
    const portIds = [...d.inputs, ...d.outputs].map((p) => p.id).join(',');
    return { ...d, identity, instanceKey: `${d.instanceKey}|${identity}|${portIds}` };
  });
}
