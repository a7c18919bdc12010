import type { ParameterCommand } from './commands.js';
import { checkValue, nudgeValue, valueAtPosition, type ParameterContext } from './parameter-math.js';
import {
  GLOBAL_PARAMETERS,
  VOICE_PARAMETERS,
  parameterNamed,
  type Parameter,
  type ParameterValue,
} from './parameters.js';

export type ParameterValues = Readonly<Record<string, ParameterValue>>;

/** The values of every parameter: the globals, and each voice's own. */
export interface ParameterState {
  readonly global: ParameterValues;
  readonly voices: readonly { readonly name: string; readonly values: ParameterValues }[];
}

/** One value that changed, with the command's source. */
export interface ParameterChange {
  readonly param: string;
  /** Set for voice parameters. */
  readonly voice?: string;
  readonly value: ParameterValue;
  readonly previous: ParameterValue;
}

/** A command that could not apply, named so the log says what and where. */
export class ParameterCommandError extends Error {
  override readonly name = 'ParameterCommandError';
}

export const defaultsOf = (params: readonly Parameter[]): Record<string, ParameterValue> =>
  Object.fromEntries(params.map((p) => [p.name, p.default]));

export const defaultGlobals = (): Record<string, ParameterValue> => defaultsOf(GLOBAL_PARAMETERS);
export const defaultVoice = (): Record<string, ParameterValue> => defaultsOf(VOICE_PARAMETERS);

/**
 * The current value of every registered parameter. Pure: a command in, the change out (or
 * none, when the value is already there). Values entering here are already checked, so a
 * store never holds a value its parameter's range forbids.
 */
export class ParameterStore {
  #global: Record<string, ParameterValue>;
  readonly #voices: { readonly name: string; values: Record<string, ParameterValue> }[];

  constructor(
    initial: ParameterState,
    private readonly ctx: ParameterContext,
  ) {
    this.#global = { ...defaultGlobals(), ...initial.global };
    this.#voices = initial.voices.map((v) => ({ name: v.name, values: { ...defaultVoice(), ...v.values } }));
  }

  get state(): ParameterState {
    return {
      global: { ...this.#global },
      voices: this.#voices.map((v) => ({ name: v.name, values: { ...v.values } })),
    };
  }

  get voiceNames(): readonly string[] {
    return this.#voices.map((v) => v.name);
  }

  /** The value at an address; throws for an unknown parameter or voice. */
  get(param: string, voice?: string): ParameterValue {
    const { values, p } = this.#slot(param, voice);
    return values[p.name] ?? p.default;
  }

  apply(cmd: ParameterCommand): ParameterChange | undefined {
    const { values, p, voiceName } = this.#slot(cmd.param, cmd.voice);
    const previous = values[p.name] ?? p.default;
    const next = this.#target(p, previous, cmd);
    if (next === undefined || next === previous) return undefined;
    values[p.name] = next;
    return { param: p.name, ...(voiceName === undefined ? {} : { voice: voiceName }), value: next, previous };
  }

  #target(p: Parameter, current: ParameterValue, cmd: ParameterCommand): ParameterValue | undefined {
    switch (cmd.kind) {
      case 'set': {
        const checked = checkValue(p, cmd.value, this.ctx);
        if (!checked.ok) throw new ParameterCommandError(`${cmd.source}: ${p.name}: ${checked.error}`);
        return checked.value;
      }
      case 'position':
        return valueAtPosition(p, cmd.position, this.ctx);
      case 'nudge':
        return nudgeValue(p, current, cmd.steps, cmd.fine ?? false, this.ctx);
      case 'reset':
        return p.default;
    }
  }

  #slot(
    param: string,
    voice: string | undefined,
  ): { values: Record<string, ParameterValue>; p: Parameter; voiceName?: string } {
    const p = parameterNamed(param);
    if (!p) throw new ParameterCommandError(`no parameter named '${param}'`);
    if (p.scope === 'global') return { values: this.#global, p };
    const v = voice === undefined ? this.#voices[0] : this.#voices.find((x) => x.name === voice);
    if (!v) throw new ParameterCommandError(`${param}: no voice named '${voice ?? '(first)'}'`);
    return { values: v.values, p, voiceName: v.name };
  }
}
