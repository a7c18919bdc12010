import type { CcMap } from '../control/cc-map.js';
import type { BoxCommand } from '../control/commands.js';
import type { Role } from '../devices/roles.js';
import { isClockMessage, type MidiMessage } from '../midi/message.js';

/** The device a message came from, as routing sees it. */
export interface InputSource {
  readonly roles: readonly Role[];
  /** Notes that are pads (Push 2's are 36-99; its encoder touches are notes 0-10 and not hits). */
  readonly padNotes?: { readonly min: number; readonly max: number };
  /** False for a device whose controls a surface owns (Push 2's buttons are CCs 102-113 too). */
  readonly ccMapped: boolean;
}

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
 * note-offs only echoed, and only for its pad notes; a CC from any device goes through the CC
 * map (unless a surface owns that device's controls), so a knob box next to the pad steers
 * the models as well as the pad's own encoders do.
 */
export function routeInput(source: InputSource, message: MidiMessage, rules: InputRules): RoutedInput[] {
  const { roles, padNotes } = source;
  if (isClockMessage(message)) return roles.includes('clock-in') ? [{ kind: 'clock' }] : [];
  if (message.type === 'controlChange') {
    const command = source.ccMapped ? rules.cc.commandFor(message) : undefined;
    return command ? [{ kind: 'command', command }] : [];
  }
  if (!roles.includes('human')) return [];
  if (
    (message.type === 'noteOn' || message.type === 'noteOff') &&
    padNotes &&
    (message.note < padNotes.min || message.note > padNotes.max)
  )
    return [];
  if (message.type === 'noteOn' && message.velocity > 0) {
    if (message.note === rules.endCallNote) return [{ kind: 'command', command: { kind: 'endCall', source: 'pad' } }];
    return [
      { kind: 'thru', message },
      { kind: 'hit', pitch: message.note, velocity: message.velocity },
    ];
  }
  if (message.type === 'noteOn' || message.type === 'noteOff') return [{ kind: 'thru', message }];
  return [];
}
