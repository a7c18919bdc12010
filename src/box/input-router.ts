import type { CcMap } from '../control/cc-map.js';
import type { BoxCommand } from '../control/commands.js';
import type { Role } from '../devices/roles.js';
import { isClockMessage, type MidiMessage } from '../midi/message.js';

/** What one incoming message means to the box. */
export type RoutedInput =
  | { readonly kind: 'clock' }
  | { readonly kind: 'hit'; readonly pitch: number; readonly velocity: number }
  | { readonly kind: 'thru'; readonly message: MidiMessage }
  | { readonly kind: 'command'; readonly command: BoxCommand };

export interface InputRules {
  readonly cc: CcMap;
  /** A pad note that ends the call instead of being a hit. */
  readonly endCallNote: number | undefined;
}

/**
 * Routes one message by the roles of the device it came from. Pure. Clock bytes go to the
 * clock only from a clock-in; the human's note-ons are hits (and echoed to `thru`), its
 * note-offs only echoed; a CC from any device goes through the CC map, so a knob box next
 * to the pad steers the models as well as the pad's own encoders do.
 */
export function routeInput(roles: readonly Role[], message: MidiMessage, rules: InputRules): RoutedInput[] {
  if (isClockMessage(message)) return roles.includes('clock-in') ? [{ kind: 'clock' }] : [];
  if (message.type === 'controlChange') {
    const command = rules.cc.commandFor(message);
    return command ? [{ kind: 'command', command }] : [];
  }
  if (!roles.includes('human')) return [];
  if (message.type === 'noteOn' && message.velocity > 0) {
    if (message.note === rules.endCallNote) return [{ kind: 'command', command: { kind: 'endCall', source: 'pad' } }];
    return [{ kind: 'thru', message }, { kind: 'hit', pitch: message.note, velocity: message.velocity }];
  }
  if (message.type === 'noteOn' || message.type === 'noteOff') return [{ kind: 'thru', message }];
  return [];
}
