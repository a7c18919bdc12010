import { scanDevices } from '../devices/device-scan.js';
import { formatUsbId } from '../devices/usb-identity.js';
import type { Hardware } from '../system/hardware.js';

/** `antiphon devices`: every MIDI port and USB device, with identity and profile. */
export function devicesCommand(hw: Hardware, out: (line: string) => void): number {
  for (const m of hw.missing) out(`(unavailable) ${m}`);
  const ports = hw.backend.listPorts();
  out(`MIDI ports (${hw.backend.kind}): ${ports.length}`);
  for (const p of ports) out(`  ${p.direction.padEnd(6)} ${p.id.padEnd(14)} ${p.name}`);
  const devices = scanDevices(ports);
  out(`MIDI devices: ${devices.length}`);
  for (const d of devices) {
    const usb = d.description.usb;
    out(`  ${d.description.clientName}`);
    out(`    identity  ${d.identity}`);
    out(`    usb       ${usb ? `${formatUsbId(usb)} serial=${usb.serial ?? '-'} at ${usb.busPath}` : 'not USB'}`);
    out(`    profile   ${d.profile ? `${d.profile.id} (${d.profile.label})` : 'none (system port)'}`);
    if (d.profile) {
      const i = d.profile.inputPort(d.description);
      const o = d.profile.outputPort(d.description);
      out(
        `    uses      in: ${i === undefined ? '-' : d.description.inputPortNames[i]}, out: ${o === undefined ? '-' : d.description.outputPortNames[o]}`,
      );
    }
  }
  const usbDevices = hw.usb.usbDevices();
  out(`USB devices: ${usbDevices.length}`);
  for (const u of usbDevices)
    out(`  ${formatUsbId(u)} ${u.manufacturer ?? ''} ${u.product ?? ''} serial=${u.serial ?? '-'} at ${u.busPath}`);
  hw.backend.dispose();
  hw.hotplug.dispose();
  return 0;
}
