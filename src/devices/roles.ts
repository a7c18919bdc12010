import type { FoundDevice } from './device-scan.js';

import type { Role } from '../control/roles.js';

export type { Role };

/** A config rule: devices whose identity or client name contains `match` get `roles`. */
export interface RolePin {
  readonly match: string;
  readonly roles: readonly Role[];
}

/** The ALSA sequencer client name the box's FluidSynth takes (src/synth starts it with this name). */
export const BUILT_IN_SYNTH_CLIENT = 'FluidSynth';

const isBuiltInSynth = (d: FoundDevice): boolean => d.description.clientName === BUILT_IN_SYNTH_CLIENT;

const matchesPin = (d: FoundDevice, pin: RolePin): boolean =>
  d.identity.includes(pin.match) || d.description.clientName.includes(pin.match);

/**
 * Decides which connected device plays which role. Roles are derived from who is connected
 * (in plug order), the config's pins, and who owned the default roles first, so a replugged
 * device always gets its roles back and a spare pad stands in while the owner is away.
 */
export class RoleBook {
  #humanOwner: string | undefined;

  /**
   * `drawsAnswers`: devices a surface draws the answers on (Push 2's pad lights): they do not
   * get `response` by default, since notes sent to them would only fight that drawing.
   */
  constructor(
    private readonly pins: readonly RolePin[] = [],
    private readonly drawsAnswers: (d: FoundDevice) => boolean = () => false,
  ) {}

  /** Roles per device identity for the devices connected now, in plug order. */
  assign(connected: readonly FoundDevice[]): Map<string, Role[]> {
    const roles = new Map<string, Role[]>(connected.map((d) => [d.identity, []]));
    const give = (d: FoundDevice, role: Role): void => {
      const list = roles.get(d.identity);
      if (list && !list.includes(role)) list.push(role);
    };
    for (const d of connected)
      for (const pin of this.pins) if (matchesPin(d, pin)) for (const r of pin.roles) give(d, r);

    // A device the config names does exactly what the config says, and a role the config
    // gives to a device waits for that device rather than going to a stand-in.
    const isPinned = (d: FoundDevice): boolean => this.pins.some((pin) => matchesPin(d, pin));
    const configured = (role: Role): boolean => this.pins.some((pin) => pin.roles.includes(role));
    const free = connected.filter((d) => !isPinned(d));
    if (!configured('human')) {
      const pads = free.filter((d) => d.profile?.isPadController && d.inputs.length > 0);
      const human = pads.find((d) => d.identity === this.#humanOwner) ?? pads[0];
      if (human) {
        this.#humanOwner ??= human.identity;
        give(human, 'human');
      }
    }
    if (!configured('response')) {
      const human = connected.find((d) => roles.get(d.identity)?.includes('human'));
      const hasOutput = (d: FoundDevice): boolean => d.profile?.outputPort(d.description) !== undefined;
      const target =
        human && hasOutput(human) && !this.drawsAnswers(human)
          ? human
          : free.find((d) => hasOutput(d) && !isBuiltInSynth(d) && !this.drawsAnswers(d));
      if (target) give(target, 'response');
    }
    // The built-in synth plays the answers and the human's hits too, unless the config sends
    // those elsewhere; a synth the config names does what its pin says.
    for (const d of free.filter(isBuiltInSynth)) {
      give(d, 'synth');
      if (!configured('response')) give(d, 'response');
      if (!configured('thru')) give(d, 'thru');
    }
    return roles;
  }

  /** The device that owns the human role, connected or not. */
  get humanOwner(): string | undefined {
    return this.#humanOwner;
  }
}
