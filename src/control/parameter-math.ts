import type { ChoiceParameter, NumberParameter, Parameter, ParameterValue } from './parameters.js';

/** What a parameter's value depends on at run time: the models a choice can name. */
export interface ParameterContext {
  readonly models: readonly string[];
}

export type Checked =
  { readonly ok: true; readonly value: ParameterValue } | { readonly ok: false; readonly error: string };

export function choicesOf(p: ChoiceParameter, ctx: ParameterContext): readonly string[] {
  return p.options === 'models' ? ctx.models : p.options;
}

const roundTo = (v: number, step: number): number => Math.round(v / step) * step;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A number brought into range and, for integer parameters, rounded. */
export function clampNumber(p: NumberParameter, v: number): number {
  const inRange = clamp(v, p.min, p.max);
  return p.integer ? Math.round(inRange) : inRange;
}

/**
 * Checks a value from outside (config, page, a command): right type, in range, one of the
 * options. Never clamps silently: a config typo must be reported, not reinterpreted.
 */
export function checkValue(p: Parameter, raw: unknown, ctx: ParameterContext): Checked {
  switch (p.kind) {
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        return { ok: false, error: `expected a number (${p.min}..${p.max}), got ${JSON.stringify(raw)}` };
      if (raw < p.min || raw > p.max) return { ok: false, error: `${raw} is outside ${p.min}..${p.max}` };
      if (p.integer && !Number.isInteger(raw)) return { ok: false, error: `expected a whole number, got ${raw}` };
      return { ok: true, value: raw };
    case 'toggle':
      return typeof raw === 'boolean'
        ? { ok: true, value: raw }
        : { ok: false, error: `expected true or false, got ${JSON.stringify(raw)}` };
    case 'choice': {
      const options = choicesOf(p, ctx);
      return typeof raw === 'string' && options.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, error: `expected one of ${options.join(', ')}, got ${JSON.stringify(raw)}` };
    }
    case 'text':
      return typeof raw === 'string' && p.check(raw)
        ? { ok: true, value: raw }
        : { ok: false, error: `expected ${p.checkHelp}, got ${JSON.stringify(raw)}` };
  }
}

/** The knob's sweep of a number parameter. */
const sweep = (p: NumberParameter): { lo: number; hi: number } => ({
  lo: p.knob?.min ?? p.min,
  hi: p.knob?.max ?? p.max,
});

/**
 * The value at a knob position 0..1 (a CC, a pot, a fader). Exponential parameters spread
 * the travel evenly over ratios, so the low end is as fine as the high end.
 */
export function valueAtPosition(p: Parameter, position: number, ctx: ParameterContext): ParameterValue | undefined {
  const x = clamp(position, 0, 1);
  switch (p.kind) {
    case 'number': {
      const { lo, hi } = sweep(p);
      const v = p.curve === 'exponential' && lo > 0 ? lo * (hi / lo) ** x : lo + x * (hi - lo);
      return clampNumber(p, p.integer ? Math.round(v) : v);
    }
    case 'toggle':
      return x >= 0.5;
    case 'choice': {
      // Magenta's split: the knob's travel in equal parts, one per option.
      const options = choicesOf(p, ctx);
      return options[Math.min(options.length - 1, Math.floor(x * options.length * (127 / 128)))];
    }
    case 'text':
      return undefined;
  }
}

/** Where a value sits on the knob's travel, 0..1 (soft takeover compares against this). */
export function positionOf(p: Parameter, value: ParameterValue, ctx: ParameterContext): number {
  switch (p.kind) {
    case 'number': {
      const { lo, hi } = sweep(p);
      const v = clamp(Number(value), lo, hi);
      if (hi === lo) return 0;
      return p.curve === 'exponential' && lo > 0 ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
    }
    case 'toggle':
      return value === true ? 1 : 0;
    case 'choice': {
      const options = choicesOf(p, ctx);
      const i = Math.max(0, options.indexOf(String(value)));
      return options.length <= 1 ? 0 : (i + 0.5) / options.length;
    }
    case 'text':
      return 0;
  }
}

/** A CC value 0..127 as this parameter's value: scaled over the knob's sweep, or taken as is. */
export function valueFromCc(p: Parameter, cc: number, ctx: ParameterContext): ParameterValue | undefined {
  if (p.kind === 'number' && p.cc === 'direct') return clampNumber(p, cc);
  return valueAtPosition(p, cc / 127, ctx);
}

/**
 * `steps` encoder detents from `value`: a number moves by its step (a tenth of it when
 * fine), a choice moves through its options, a toggle flips on any movement.
 */
export function nudgeValue(
  p: Parameter,
  value: ParameterValue,
  steps: number,
  fine: boolean,
  ctx: ParameterContext,
): ParameterValue {
  switch (p.kind) {
    case 'number': {
      const step = fine && !p.integer ? p.step / 10 : p.step;
      const moved = Number(value) + steps * step;
      return clampNumber(p, p.integer ? Math.round(moved) : roundTo(moved, step / 1000));
    }
    case 'toggle':
      return steps === 0 ? value : steps > 0;
    case 'choice': {
      const options = choicesOf(p, ctx);
      const i = options.indexOf(String(value));
      return (
        options[clamp(i + Math.sign(steps) * Math.max(1, Math.round(Math.abs(steps))), 0, options.length - 1)] ?? value
      );
    }
    case 'text':
      return value;
  }
}

/** A value as a person reads it: "120.0 BPM", "call", "off", "loop". */
export function formatValue(p: Parameter, value: ParameterValue): string {
  if (p.kind !== 'number') return String(value);
  const v = Number(value);
  const special = p.special?.[v];
  if (special !== undefined) return special;
  const text = v.toFixed(p.decimals);
  return p.unit === '' ? text : p.unit === '%' ? `${text}%` : `${text} ${p.unit}`;
}
