import type { SimDeviceSpec } from '../../src/devices/sim-backend.js';
import type { SimBox } from './sim-box.js';

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

/**
 * Plugs the drum pad, plays a bar of eighth-note kicks (120 BPM) and waits up to 8 s of
 * virtual time for the box's exchange. Returns the pad's client and whether it answered.
 */
export async function playKickCall(sim: SimBox): Promise<{ pad: number; answered: boolean }> {
  const pad = sim.plug(SIM_DRUM_PAD);
  await sim.run(300);
  for (let step = 0; step < 8; step++) {
    sim.backend.feed(`${pad}:0:input`, [0x99, 36, 100]);
    await sim.run(125);
  }
  const answered = (): boolean => sim.events.some((e) => e.kind === 'exchange');
  for (let i = 0; i < 80 && !answered(); i++) await sim.run(100);
  return { pad, answered: answered() };
}
