import { DEFAULT_SAMPLING } from '../perform/generator-port.js';
import { ROLE_HELP, isRole } from './roles.js';

/**
 * The box's parameter registry: every performance parameter, defined once. The config
 * schema, the CC map, the panel, Push 2 and the web page all read it, so a range, default or
 * label is never written twice.
 */

/** Global parameters are one value for the box; voice parameters have one value per model voice. */
export type ParameterScope = 'global' | 'voice';

interface ParameterBase {
  /** Config key and command name (snake_case, as in antiphon.toml). */
  readonly name: string;
  /** For people: the web page and the log. */
  readonly label: string;
  /** At most 8 characters: Push 2's encoder strip and the terminal panel. */
  readonly short: string;
  readonly scope: ParameterScope;
  readonly help: string;
}

/**
 * A number. `knob` is the part of the range a knob or CC sweeps when it is narrower than
 * what the config accepts (Magenta's tempo CC is 40 + v). `cc: 'direct'` takes a CC's value
 * as the number itself (bar counts, as Magenta's interface does) instead of scaling its travel.
 */
export interface NumberParameter extends ParameterBase {
  readonly kind: 'number';
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /** One encoder detent; integers when it is a whole number and `integer` is set. */
  readonly step: number;
  readonly integer: boolean;
  readonly unit: string;
  readonly curve?: 'linear' | 'exponential';
  readonly knob?: { readonly min: number; readonly max: number };
  readonly cc?: 'scaled' | 'direct';
  /** Digits printed after the point. */
  readonly decimals: number;
  /** Printed instead of the number for these values ("as long as the call", "off"). */
  readonly special?: Readonly<Record<number, string>>;
}

/** One of a list. `options: 'models'` is the list of models the box has loaded. */
export interface ChoiceParameter extends ParameterBase {
  readonly kind: 'choice';
  readonly options: readonly string[] | 'models';
  readonly default: string;
}

export interface ToggleParameter extends ParameterBase {
  readonly kind: 'toggle';
  readonly default: boolean;
}

/** Free text with a check (an output role); set by config or page, not by a knob. */
export interface TextParameter extends ParameterBase {
  readonly kind: 'text';
  readonly default: string;
  readonly check: (text: string) => boolean;
  readonly checkHelp: string;
}

export type Parameter = NumberParameter | ChoiceParameter | ToggleParameter | TextParameter;
export type ParameterValue = number | string | boolean;

const bars = (
  name: string,
  label: string,
  short: string,
  min: number,
  max: number,
  dflt: number,
  help: string,
  special?: Record<number, string>,
): NumberParameter => ({
  kind: 'number',
  name,
  label,
  short,
  scope: 'global',
  help,
  min,
  max,
  default: dflt,
  step: 1,
  integer: true,
  unit: 'bars',
  cc: 'direct',
  decimals: 0,
  ...(special ? { special } : {}),
});

/** Every parameter, in the order a page or display lists them. */
export const PARAMETERS: readonly Parameter[] = [
  {
    kind: 'number',
    name: 'tempo_bpm',
    label: 'Tempo',
    short: 'Tempo',
    scope: 'global',
    help: "The box's tempo while it leads the clock.",
    min: 20,
    max: 300,
    default: 120,
    step: 1,
    integer: false,
    unit: 'BPM',
    knob: { min: 40, max: 167 },
    decimals: 1,
  },
  {
    kind: 'choice',
    name: 'mode',
    label: 'Mode',
    short: 'Mode',
    scope: 'global',
    help: 'answer: A answers you; chain: B answers A; loop: A and B trade until you play.',
    options: ['answer', 'chain', 'loop'],
    default: 'answer',
  },
  bars('min_call_bars', 'Shortest call', 'MinCall', 1, 64, 1, 'Calls shorter than this are ignored.'),
  bars('max_call_bars', 'Longest call', 'MaxCall', 1, 64, 8, 'A call ends here even if you keep playing.'),
  bars('silence_bars', 'Silence that ends a call', 'Silence', 1, 8, 1, 'Whole bars without a hit that end the call.'),
  bars('response_bars', 'Answer length', 'Answer', 0, 64, 0, 'Bars each voice answers; 0 = as long as the call.', {
    0: 'call',
  }),
  {
    kind: 'toggle',
    name: 'loop_response',
    label: 'Loop the answer',
    short: 'LoopAns',
    scope: 'global',
    help: 'Repeat the last answer until toggled, panicked or played over.',
    default: false,
  },
  {
    kind: 'toggle',
    name: 'carry_state',
    label: 'Carry the conversation',
    short: 'Carry',
    scope: 'global',
    help: 'Each voice continues from its previous turn.',
    default: true,
  },
  {
    kind: 'choice',
    name: 'groove',
    label: 'Groove',
    short: 'Groove',
    scope: 'global',
    help: "learned: the model's groove.json; call: your own feel; off: the straight grid.",
    options: ['learned', 'call', 'off'],
    default: 'learned',
  },
  {
    kind: 'number',
    name: 'swing',
    label: 'Swing',
    short: 'Swing',
    scope: 'global',
    help: 'Delays the off-beat 16ths of the answers: 50% is straight, 66% is a triplet shuffle.',
    min: 50,
    max: 75,
    default: 50,
    step: 1,
    integer: false,
    unit: '%',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'volume',
    label: 'Output volume',
    short: 'Volume',
    scope: 'global',
    help: "Scales the answers' velocities (the human's hits pass as played).",
    min: 0,
    max: 150,
    default: 100,
    step: 1,
    integer: true,
    unit: '%',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'loop_min_hits_per_bar',
    label: 'Loop guard: fewest hits',
    short: 'GuardLo',
    scope: 'global',
    help: 'In loop mode a turn with fewer hits per bar is regenerated.',
    min: 0,
    max: 64,
    default: 2,
    step: 1,
    integer: false,
    unit: 'hits/bar',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'loop_max_hits_per_bar',
    label: 'Loop guard: most hits',
    short: 'GuardHi',
    scope: 'global',
    help: 'In loop mode a turn with more hits per bar is regenerated.',
    min: 1,
    max: 144,
    default: 40,
    step: 1,
    integer: false,
    unit: 'hits/bar',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'loop_retries',
    label: 'Loop guard: retries',
    short: 'Retries',
    scope: 'global',
    help: 'Regenerations before the loop is reseeded from your call.',
    min: 0,
    max: 8,
    default: 2,
    step: 1,
    integer: true,
    unit: '',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'safety_ms',
    label: 'Safety margin',
    short: 'Safety',
    scope: 'global',
    help: 'An answer is committed at least this long before its bar line.',
    min: 0,
    max: 500,
    default: 30,
    step: 5,
    integer: false,
    unit: 'ms',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'gate_steps',
    label: 'Note length',
    short: 'Gate',
    scope: 'global',
    help: 'Length of a generated hit, in 16ths.',
    min: 0.125,
    max: 4,
    default: 0.5,
    step: 0.125,
    integer: false,
    unit: '16ths',
    decimals: 3,
  },
  {
    kind: 'choice',
    name: 'model',
    label: 'Model',
    short: 'Model',
    scope: 'voice',
    help: 'Which loaded model plays this voice.',
    options: 'models',
    default: 'default',
  },
  {
    kind: 'number',
    name: 'temperature',
    label: 'Temperature',
    short: 'Temp',
    scope: 'voice',
    help: 'Low: safe, repetitive answers; high: wild ones.',
    min: 0.1,
    max: 2,
    default: DEFAULT_SAMPLING.temperature,
    step: 0.05,
    integer: false,
    unit: '',
    decimals: 2,
  },
  {
    kind: 'number',
    name: 'top_k',
    label: 'Top-k',
    short: 'TopK',
    scope: 'voice',
    help: 'Sample only from the k likeliest steps; 0 = off.',
    min: 0,
    max: 64,
    default: DEFAULT_SAMPLING.topK,
    step: 1,
    integer: true,
    unit: '',
    decimals: 0,
    special: { 0: 'off' },
  },
  {
    kind: 'number',
    name: 'top_p',
    label: 'Top-p',
    short: 'TopP',
    scope: 'voice',
    help: 'Sample from the likeliest steps that hold this much probability; 1 = off.',
    min: 0.05,
    max: 1,
    default: DEFAULT_SAMPLING.topP,
    step: 0.05,
    integer: false,
    unit: '',
    decimals: 2,
    special: { 1: 'off' },
  },
  {
    kind: 'number',
    name: 'profile',
    label: 'Call profile',
    short: 'Profile',
    scope: 'voice',
    help: 'How strongly the answer keeps where in the bar the call hit each drum; 0 = off.',
    min: 0,
    max: 5,
    default: DEFAULT_SAMPLING.profileWeight,
    step: 0.05,
    integer: false,
    unit: '',
    decimals: 2,
    special: { 0: 'off' },
  },
  {
    kind: 'number',
    name: 'profile_floor',
    label: 'Call profile at the end',
    short: 'PrfEnd',
    scope: 'voice',
    help: "Share of the call profile left by the answer's end: it keeps the groove at the start and varies toward the end; 1 = the same throughout.",
    min: 0,
    max: 1,
    default: DEFAULT_SAMPLING.profileFloor,
    step: 0.05,
    integer: false,
    unit: '',
    curve: 'linear',
    decimals: 2,
    special: { 1: 'no ramp' },
  },
  {
    kind: 'number',
    name: 'density',
    label: 'Density guard',
    short: 'Density',
    scope: 'voice',
    help: "How strongly the answer keeps the call's number of hits; 0 = off.",
    min: 0,
    max: 20,
    default: DEFAULT_SAMPLING.densityWeight,
    step: 0.5,
    integer: false,
    unit: '',
    decimals: 1,
    special: { 0: 'off' },
  },
  {
    kind: 'number',
    name: 'beam',
    label: 'Beam width',
    short: 'Beam',
    scope: 'voice',
    help: '1 samples; more searches for the likeliest answer.',
    min: 1,
    max: 16,
    default: DEFAULT_SAMPLING.beamSize,
    step: 1,
    integer: true,
    unit: '',
    cc: 'direct',
    decimals: 0,
  },
  {
    kind: 'text',
    name: 'role',
    label: 'Output',
    short: 'Output',
    scope: 'voice',
    help: "Where this voice plays: response (the pad's port and DIN) or voice:NAME for its own device.",
    default: 'response',
    check: isRole,
    checkHelp: ROLE_HELP,
  },
  {
    kind: 'number',
    name: 'channel',
    label: 'MIDI channel',
    short: 'Channel',
    scope: 'voice',
    help: 'Channel this voice plays on, 1-16 as printed on gear.',
    min: 1,
    max: 16,
    default: 10,
    step: 1,
    integer: true,
    unit: '',
    cc: 'direct',
    decimals: 0,
  },
  // The built-in synth (src/synth): levels as GM controllers 0-127, a GM drum kit per voice.
  {
    kind: 'number',
    name: 'synth_volume',
    label: 'Synth volume',
    short: 'SynthVol',
    scope: 'global',
    help: 'Loudness of the built-in synth (MIDI volume, 0-127).',
    min: 0,
    max: 127,
    default: 100,
    step: 1,
    integer: true,
    unit: '',
    decimals: 0,
  },
  {
    kind: 'number',
    name: 'reverb',
    label: 'Synth reverb',
    short: 'Reverb',
    scope: 'global',
    help: "The built-in synth's reverb send; 0 turns the reverb off.",
    min: 0,
    max: 127,
    default: 30,
    step: 1,
    integer: true,
    unit: '',
    decimals: 0,
    special: { 0: 'off' },
  },
  {
    kind: 'number',
    name: 'chorus',
    label: 'Synth chorus',
    short: 'Chorus',
    scope: 'global',
    help: "The built-in synth's chorus send; 0 turns the chorus off.",
    min: 0,
    max: 127,
    default: 0,
    step: 1,
    integer: true,
    unit: '',
    decimals: 0,
    special: { 0: 'off' },
  },
  {
    kind: 'choice',
    name: 'kit',
    label: 'Synth kit',
    short: 'Kit',
    scope: 'voice',
    help: 'The General MIDI drum kit this voice plays on the built-in synth.',
    options: ['standard', 'room', 'power', 'electronic', 'tr-808', 'jazz', 'brush', 'orchestra'],
    default: 'standard',
  },
];

const BY_NAME = new Map(PARAMETERS.map((p) => [p.name, p]));

/** The parameter with this name; undefined for an unknown name (a typo in config or a CC map). */
export function parameterNamed(name: string): Parameter | undefined {
  return BY_NAME.get(name);
}

export const GLOBAL_PARAMETERS = PARAMETERS.filter((p) => p.scope === 'global');
export const VOICE_PARAMETERS = PARAMETERS.filter((p) => p.scope === 'voice');
