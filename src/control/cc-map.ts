import type { MidiMessage } from '../midi/message.js';
import type { BoxCommand, CommandSource } from './commands.js';
import { parameterNamed } from './parameters.js';

/**
 * The buttons a CC can press. Magenta's three have default controllers; the transport's
 * (play, stop, record arm, undo) have none, so Magenta's map is unchanged, and a config or
 * MIDI-learn gives them one (the free controllers 114..119, say).
 */
const BUTTON_COMMAND = {
  end_call: 'endCall',
  panic: 'panic',
  mutate: 'mutate',
  play: 'play',
  stop: 'stop',
  record_arm: 'recordArm',
  undo: 'undo',
} as const;
type Button = keyof typeof BUTTON_COMMAND;
/** What a button CC does, by name. */
export type ButtonCommand = (typeof BUTTON_COMMAND)[Button];

/** The CC map key of a button (`end_call` for endCall). */
export function buttonKey(command: ButtonCommand): string {
  return Object.entries(BUTTON_COMMAND).find(([, c]) => c === command)?.[0] ?? command;
}

/** The box command a button press asks for: play and stop set the transport, record arm flips the recorder. */
export function buttonBoxCommand(command: ButtonCommand, source: CommandSource): BoxCommand {
  switch (command) {
    case 'play':
      return { kind: 'transport', play: true, source };
    case 'stop':
      return { kind: 'transport', play: false, source };
    case 'recordArm':
      return { kind: 'recordArm', armed: 'toggle', source };
    default:
      return { kind: command, source };
  }
}

/** What one controller number drives. */
export type CcTarget =
  | { readonly kind: 'button'; readonly command: ButtonCommand }
  | { readonly kind: 'parameter'; readonly param: string; readonly voice?: string }
  | { readonly kind: 'state-out' };

/** Reads a CC map key: a button, `state_out`, a parameter `name`, or `name@VOICE`. */
export function parseCcTarget(key: string): CcTarget | undefined {
  if (Object.hasOwn(BUTTON_COMMAND, key)) return { kind: 'button', command: BUTTON_COMMAND[key as Button] };
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
    if (target.kind === 'button') return message.value > 0 ? buttonBoxCommand(target.command, 'cc') : undefined;
    const p = parameterNamed(target.param);
    const address = { param: target.param, ...(target.voice === undefined ? {} : { voice: target.voice }) };
    if (p?.kind === 'number' && p.cc === 'direct')
      return { kind: 'set', ...address, value: Math.min(p.max, Math.max(p.min, message.value)), source: 'cc' };
    return { kind: 'position', ...address, position: message.value / 127, source: 'cc' };
  }
}
