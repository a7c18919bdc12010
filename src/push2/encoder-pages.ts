import type { ParameterAddress } from '../control/commands.js';
import { parameterNamed, type Parameter } from '../control/parameters.js';

/** Eight encoder slots under one name, shown on the button below the display that selects it. */
export interface EncoderPage {
  readonly name: string;
  /** Index i is encoder i (left to right); undefined: the encoder does nothing on this page. */
  readonly slots: readonly (ParameterAddress | undefined)[];
}

const global = (param: string): ParameterAddress => ({ param });
const ofVoice = (param: string, voice: string | undefined): ParameterAddress | undefined =>
  voice === undefined ? undefined : { param, voice };

/**
 * The encoder pages for the box's voices: what a performer reaches for first on page one
 * (temperatures, lengths, top-p, groove, mode, model), each voice's sampling on page two,
 * the phrase rules, then the loop guard and outputs. A second voice's slots stay empty when
 * there is only one.
 */
export function encoderPages(voices: readonly string[]): EncoderPage[] {
  const [a, b] = voices;
  return [
    {
      name: 'Play',
      slots: [
        ofVoice('temperature', a),
        ofVoice('temperature', b),
        global('response_bars'),
        global('max_call_bars'),
        ofVoice('top_p', a),
        global('groove'),
        global('mode'),
        ofVoice('model', a),
      ],
    },
    {
      name: 'Voices',
      slots: [
        ofVoice('model', a),
        ofVoice('temperature', a),
        ofVoice('top_k', a),
        ofVoice('top_p', a),
        ofVoice('model', b),
        ofVoice('temperature', b),
        ofVoice('top_k', b),
        ofVoice('top_p', b),
      ],
    },
    {
      name: 'Phrase',
      slots: [
        global('min_call_bars'),
        global('max_call_bars'),
        global('silence_bars'),
        global('response_bars'),
        global('loop_response'),
        global('carry_state'),
        global('gate_steps'),
        global('volume'),
      ],
    },
    {
      name: 'Loop',
      slots: [
        global('loop_min_hits_per_bar'),
        global('loop_max_hits_per_bar'),
        global('loop_retries'),
        ofVoice('beam', a),
        ofVoice('beam', b),
        ofVoice('channel', a),
        ofVoice('channel', b),
        global('safety_ms'),
      ],
    },
  ];
}

/**
 * Encoder ticks per step of a parameter: Push 2's encoders send many small ticks a turn, so a
 * choice or toggle moves one option per 8 ticks and a whole number with a short range (bars,
 * channels) one per 3; anything finer moves on every tick. Shift (fine) halves the speed of
 * those slow ones too.
 */
export function ticksPerStep(p: Parameter, fine: boolean): number {
  const shortRange = p.kind === 'number' && p.integer && (p.max - p.min) / p.step <= 64;
  const base = p.kind === 'choice' || p.kind === 'toggle' ? 8 : shortRange ? 3 : 1;
  return fine && base > 1 ? base * 2 : base;
}

/** Turns encoder ticks into parameter steps, remembering the ticks that did not make a step yet. */
export class EncoderTurns {
  readonly #pending = new Map<string, number>();

  /** Steps to nudge `address` by after `ticks` more (0 while the ticks add up). */
  turn(address: ParameterAddress, ticks: number, fine: boolean): number {
    const p = parameterNamed(address.param);
    if (!p || ticks === 0) return 0;
    const key = `${address.param}@${address.voice ?? ''}`;
    let pending = (this.#pending.get(key) ?? 0) + ticks;
    // Turning back starts afresh rather than first paying back what was pending.
    if (Math.sign(pending) !== Math.sign(ticks)) pending = ticks;
    const per = ticksPerStep(p, fine);
    const steps = Math.trunc(pending / per) + 0; // + 0: no -0 for a partial turn back
    this.#pending.set(key, pending - steps * per);
    return steps;
  }

  /** Forgets pending ticks (a page change). */
  reset(): void {
    this.#pending.clear();
  }
}
