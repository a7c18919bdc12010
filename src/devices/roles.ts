import type { FoundDevice } from './device-scan.js';

/**
 * What a device does in the box. `human` is the input the performer plays; `response` is
 * where the model's answer goes by default; `voice:<name>` routes one model voice.
 */
export type Role = 'human' | 'response' | 'clock-in' | 'clock-out' | 'thru' | `voice:${string}`;

/** A config rule: devices whose identity or client name contains `match` get `roles`. */
export interface RolePin {
  readonly match: string;
  readonly roles: readonly Role[];
}

const matchesPin = (d: FoundDevice, pin: RolePin): boolean =>
  d.identity.includes(pin.match) || d.description.clientName.includes(pin.match);

/**
 * Decides which connected device plays which role. Roles are derived from who is connected
 * (in plug order), the config's pins, and who owned the default roles first, so a replugged
 * device always gets its roles back and a spare pad stands in while the owner is away.
 */
export class RoleBook {
  #humanOwner: string | undefined;

  constructor(private readonly pins: readonly RolePin[] = []) {}

  /** Roles per device identity for the devices connected now, in plug order. */
  assign(connected: readonly FoundDevice[]): Map<string, Role[]> {
    const roles = new Map<string, Role[]>(connected.map((d) => [d.identity, []]));
    const give = (d: FoundDevice, role: Role): void => {
      const list = roles.get(d.identity);
      if (list && !list.includes(role)) list.push(role);
    };
    for (const d of connected) for (const pin of this.pins) if (matchesPin(d, pin)) for (const r of pin.roles) give(d, r);

    const pinned = (role: Role): boolean => [...roles.values()].some((list) => list.includes(role));
    if (!pinned('human')) {
      const pads = connected.filter((d) => d.profile?.isPadController && d.inputs.length > 0);
      const human = pads.find((d) => d.identity === this.#humanOwner) ?? pads[0];
      if (human) {
        this.#humanOwner ??= human.identity;
        give(human, 'human');
      }
    }
    if (!pinned('response')) {
      const human = connected.find((d) => roles.get(d.identity)?.includes('human'));
      const target =
        human && human.profile?.outputPort(human.description) !== undefined
          ? human
          : connected.find((d) => d.profile && d.profile.outputPort(d.description) !== undefined);
      if (target) give(target, 'response');
    }
    return roles;
  }

  /** The device that owns the human role, connected or not. */
  get humanOwner(): string | undefined {
    return this.#humanOwner;
  }
}
