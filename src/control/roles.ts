/**
 * What a device does in the box. `human` is the input the performer plays; `response` is
 * where the models' answers go by default; `voice:<name>` routes one model voice; `clock-in`
 * and `clock-out` carry MIDI clock; `thru` echoes the human's hits; `synth` is the built-in sound.
 */
export const ROLE_NAMES = ['human', 'response', 'clock-in', 'clock-out', 'thru', 'synth'] as const;

export type Role = (typeof ROLE_NAMES)[number] | `voice:${string}`;

const ROLE_PATTERN = new RegExp(`^(${ROLE_NAMES.join('|')}|voice:.+)$`);

export const isRole = (s: string): s is Role => ROLE_PATTERN.test(s);

/** How a person should write a role, for error messages. */
export const ROLE_HELP = `${ROLE_NAMES.join(', ')} or voice:NAME`;
