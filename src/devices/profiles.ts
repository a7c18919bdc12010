import type { UsbIdentity } from './usb-identity.js';

/** What the device layer knows about a device when it picks a profile. */
export interface DeviceDescription {
  readonly clientName: string;
  readonly usb?: UsbIdentity;
  /** Port names (ALSA numbers stripped) in port-index order, per direction. */
  readonly inputPortNames: readonly string[];
  readonly outputPortNames: readonly string[];
}

/**
 * How to talk to one kind of controller. Adding a controller means adding one entry to
 * `DEVICE_PROFILES`; nothing else in the code base names a controller.
 */
export interface DeviceProfile {
  readonly id: string;
  readonly label: string;
  /** Does this profile describe the device? The first matching profile wins. */
  readonly matches: (d: DeviceDescription) => boolean;
  /** Index of the port to use in each direction; undefined means "none". */
  readonly inputPort: (d: DeviceDescription) => number | undefined;
  readonly outputPort: (d: DeviceDescription) => number | undefined;
  /** Raw messages sent once when the device is opened (e.g. switching modes). */
  readonly initMessages: readonly (readonly number[])[];
  /** True if the device is a pad controller a human plays drums on. */
  readonly isPadController: boolean;
  /** Notes the pads send; anything else is a control, not a hit. */
  readonly padNotes: { readonly min: number; readonly max: number };
}

const firstIfAny = (names: readonly string[]): number | undefined => (names.length > 0 ? 0 : undefined);

/** Clients that are part of the system, not devices a musician plugged in. */
const SYSTEM_CLIENTS = [/^Midi Through$/, /^System$/, /^RtMidi /];

const PUSH2_USB = { vendorId: 0x2982, productId: 0x1967 } as const;
/** Push 2's second port is the User port; the first belongs to Ableton Live. */
const PUSH2_USER_PORT = 1;

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    id: 'push2',
    label: 'Ableton Push 2',
    matches: (d) =>
      (d.usb?.vendorId === PUSH2_USB.vendorId && d.usb.productId === PUSH2_USB.productId) ||
      /Ableton Push 2/.test(d.clientName),
    inputPort: (d) => userPort(d.inputPortNames),
    outputPort: (d) => userPort(d.outputPortNames),
    // Sysex "set MIDI mode: User" (command 0x0A, arg 0x01): pads and buttons then talk to us.
    initMessages: [[0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7]],
    isPadController: true,
    padNotes: { min: 36, max: 99 },
  },
  {
    id: 'generic-pad',
    label: 'Class-compliant pad controller',
    matches: (d) => d.inputPortNames.length > 0 && !SYSTEM_CLIENTS.some((re) => re.test(d.clientName)),
    inputPort: (d) => firstIfAny(d.inputPortNames),
    outputPort: (d) => firstIfAny(d.outputPortNames),
    initMessages: [],
    isPadController: true,
    padNotes: { min: 0, max: 127 },
  },
  {
    // A drum module, synth or interface the box can play but a human does not play into.
    id: 'generic-output',
    label: 'MIDI output device',
    matches: (d) => d.outputPortNames.length > 0 && !SYSTEM_CLIENTS.some((re) => re.test(d.clientName)),
    inputPort: () => undefined,
    outputPort: (d) => firstIfAny(d.outputPortNames),
    initMessages: [],
    isPadController: false,
    padNotes: { min: 0, max: 127 },
  },
];

function userPort(names: readonly string[]): number | undefined {
  const named = names.findIndex((n) => /user/i.test(n));
  if (named >= 0) return named;
  return names.length > PUSH2_USER_PORT ? PUSH2_USER_PORT : undefined;
}

export function profileFor(
  d: DeviceDescription,
  profiles: readonly DeviceProfile[] = DEVICE_PROFILES,
): DeviceProfile | undefined {
  return profiles.find((p) => p.matches(d));
}
