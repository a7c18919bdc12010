import { choicesOf } from '../control/parameter-math.js';
import { PARAMETERS, type ParameterScope, type ParameterValue } from '../control/parameters.js';

/** A registry parameter as the page builds its control: everything but the pattern, which JSON cannot carry. */
export interface PageParameter {
  readonly name: string;
  readonly label: string;
  readonly short: string;
  readonly scope: ParameterScope;
  readonly help: string;
  readonly kind: 'number' | 'choice' | 'toggle' | 'text';
  readonly default: ParameterValue;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly unit?: string;
  readonly decimals?: number;
  readonly special?: Readonly<Record<number, string>>;
  readonly options?: readonly string[];
}

/** The registry for the page, with the model list filled in. */
export function describeRegistry(models: readonly string[]): PageParameter[] {
  return PARAMETERS.map((p) => {
    const base = {
      name: p.name,
      label: p.label,
      short: p.short,
      scope: p.scope,
      help: p.help,
      kind: p.kind,
      default: p.default,
    };
    switch (p.kind) {
      case 'number':
        return {
          ...base,
          min: p.min,
          max: p.max,
          step: p.step,
          unit: p.unit,
          decimals: p.decimals,
          ...(p.special ? { special: p.special } : {}),
        };
      case 'choice':
        return { ...base, options: choicesOf(p, { models }) };
      case 'toggle':
      case 'text':
        return base;
    }
  });
}
