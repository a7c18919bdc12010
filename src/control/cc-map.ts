import type { MidiMessage } from '../midi/message.js';
import type { BoxCommand } from './commands.js';
import { parameterNamed } from './parameters.js';

const BUTTONS = ['end_call', 'panic', 'mutate'] as const;
type Button = (typeof BUTTONS)[number];
const BUTTON_COMMAND: Readonly<Record<Button, 'endCall' | 'panic' | 'mutate'>> = {
  end_call: 'endCall',
  panic: 'panic',
  mutate: 'mutate',
};

/** What one controller number drives. */
export type CcTarget =
  | { readonly kind: 'button'; readonly command: 'endCall' | 'panic' | 'mutate' }
  | { readonly kind: 'parameter'; readonly param: string; readonly voice?: string }
  | { readonly kind: 'state-out' };

/** Reads a CC map key: a button, `state_out`, a parameter `name`, or `name@VOICE`. */
export function parseCcTarget(key: string): CcTarget | undefined {
  if ((BUTTONS as readonly string[]).includes(key)) return { kind: 'button', command: BUTTON_COMMAND[key as Button] };
  if (key === 'state_out') return { kind: 'state-out' };
  const [param = '', voice, extra] = key.split('@');
  const p = parameterNamed(param);
  if (!p || extra !== undefined || voice === '') return undefined;
  if (voice !== undefined && p.scope !== 'voice') return undefined;
  return { kind: 'parameter', param, ...(voice === undefined ? {} : { voice }) };
}

export const isCcTarget = (key: string): boolean => parseCcTarget(key) !== undefined;

/**
 * The CC map by controller number. Built once from config (and later MIDI-learn), read on
 * every incoming CC from any device.
 */
export class CcMap {
  readonly #byController = new Map<number, CcTarget>();
  #stateOut: number | undefined;

  constructor(map: Readonly<Record<string, number>>) {
    for (const [key, controller] of Object.entries(map)) {
      const target = parseCcTarget(key);
      if (!target) continue;
      if (target.kind === 'state-out') this.#stateOut = controller;
      else this.#byController.set(controller, target);
    }
  }

  /** The controller the box reports its state on (to the pad), if any. */
  get stateOut(): number | undefined {
    return this.#stateOut;
  }

  /** Maps `controller` to `target` (MIDI-learn), replacing whatever it drove. */
  learn(controller: number, target: CcTarget): void {
    if (target.kind === 'state-out') this.#stateOut = controller;
    else this.#byController.set(controller, target);
  }

  targetOf(controller: number): CcTarget | undefined {
    return this.#byController.get(controller);
  }

  /**
   * The command a CC asks for, as Magenta's interface reads it: buttons act on press
   * (value > 0), bar counts take the value itself, everything else sweeps the parameter's
   * knob range. Undefined for a controller that drives nothing, and for a button's release.
   */
  commandFor(message: MidiMessage): BoxCommand | undefined {
    if (message.type !== 'controlChange') return undefined;
    const target = this.#byController.get(message.controller);
    if (!target || target.kind === 'state-out') return undefined;
    if (target.kind === 'button') return message.value > 0 ? { kind: target.command, source: 'cc' } : undefined;
    const p = parameterNamed(target.param);
    const address = { param: target.param, ...(target.voice === undefined ? {} : { voice: target.voice }) };
    if (p?.kind === 'number' && p.cc === 'direct')
      return { kind: 'set', ...address, value: Math.min(p.max, Math.max(p.min, message.value)), source: 'cc' };
    return { kind: 'position', ...address, position: message.value / 127, source: 'cc' };
  }
}
