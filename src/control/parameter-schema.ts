import { z } from 'zod';
import { defaultsOf } from './parameter-store.js';
import type { Parameter } from './parameters.js';

/**
 * The config schema of one parameter, from its registry entry. A model choice is checked
 * only for being a name here: which models exist is known once they are loaded.
 */
export function parameterSchema(p: Parameter): z.ZodType {
  switch (p.kind) {
    case 'number': {
      const n = z.number().min(p.min).max(p.max);
      return (p.integer ? n.int() : n).default(p.default);
    }
    case 'toggle':
      return z.boolean().default(p.default);
    case 'choice':
      return (p.options === 'models' ? z.string().min(1) : z.enum(p.options as [string, ...string[]])).default(
        p.default,
      );
    case 'text':
      return z
        .string()
        .refine(p.check, { message: `expected ${p.checkHelp}` })
        .default(p.default);
  }
}

/** A zod shape with one key per parameter, named as in antiphon.toml. */
export function parameterShape(params: readonly Parameter[]): Record<string, z.ZodType> {
  return Object.fromEntries(params.map((p) => [p.name, parameterSchema(p)]));
}

export { defaultsOf };
