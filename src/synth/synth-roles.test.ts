import { describe, expect, it } from 'vitest';
import { scanDevices } from '../devices/device-scan.js';
import type { MidiPortInfo } from '../devices/midi-backend.js';
import { RoleBook, type RolePin } from '../devices/roles.js';
import { SYNTH_CLIENT } from './fluidsynth-args.js';

/** A client with ports as the ALSA lister reports them (FluidSynth's port is one we write to). */
function client(n: number, clientName: string, inputs: number, outputs: number): MidiPortInfo[] {
  const mk = (dir: 'input' | 'output', count: number): MidiPortInfo[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `${n}:${i}:${dir}`,
      name: `${clientName}:${clientName} port ${n}:${i}`,
      clientName,
      portIndex: i,
      direction: dir,
    }));
  return [...mk('input', inputs), ...mk('output', outputs)];
}

function rolesOf(pins: RolePin[], ...clients: MidiPortInfo[][]): Record<string, string[]> {
  const found = scanDevices(clients.flat());
  const roles = new RoleBook(pins).assign(found);
  return Object.fromEntries(found.map((d) => [d.description.clientName, roles.get(d.identity) ?? []]));
}

describe('the built-in synth as an output role', () => {
  it("plays the answers and the human's hits by default, beside the pad's own port", () => {
    expect(rolesOf([], client(128, SYNTH_CLIENT, 0, 1))).toEqual({ [SYNTH_CLIENT]: ['synth', 'response', 'thru'] });
    expect(rolesOf([], client(24, 'Pad', 1, 1), client(128, SYNTH_CLIENT, 0, 1))).toEqual({
      Pad: ['human', 'response'],
      [SYNTH_CLIENT]: ['synth', 'response', 'thru'],
    });
  });

  it('never takes the response from a drum module, and is never the human', () => {
    expect(rolesOf([], client(128, SYNTH_CLIENT, 0, 1), client(24, 'Pad', 1, 0), client(30, 'Module', 0, 1))).toEqual({
      Pad: ['human'],
      Module: ['response'],
      [SYNTH_CLIENT]: ['synth', 'response', 'thru'],
    });
  });

  it('leaves the answers and hits where the config sends them, and a pinned synth does what its pin says', () => {
    expect(
      rolesOf([{ match: 'Module', roles: ['response'] }], client(30, 'Module', 0, 1), client(128, SYNTH_CLIENT, 0, 1)),
    ).toEqual({ Module: ['response'], [SYNTH_CLIENT]: ['synth', 'thru'] });
    expect(rolesOf([{ match: SYNTH_CLIENT, roles: ['voice:B'] }], client(128, SYNTH_CLIENT, 0, 1))).toEqual({
      [SYNTH_CLIENT]: ['voice:B'],
    });
  });
});
