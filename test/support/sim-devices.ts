import type { SimDeviceSpec } from '../../src/devices/sim-backend.js';

/**
 * A class-compliant USB drum pad (an Akai MPD's identity): one duplex port, so the box makes
 * it the human and plays the answers back on it. For whole-box tests on the simulator.
 */
export const SIM_DRUM_PAD: SimDeviceSpec = {
  clientName: 'Drum Pad',
  inputs: ['Drum Pad MIDI 1'],
  outputs: ['Drum Pad MIDI 1'],
  usb: { vendorId: 0x09e8, productId: 0x0034, serial: 'P1', busPath: '1-1' },
};
