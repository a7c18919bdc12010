import { z } from 'zod';

/**
 * How the config is parsed: without zod's compiled fast path. zod compiles each object schema
 * into a parser (new Function) on its first parse, which pays for a schema parsed many times;
 * the config is parsed once per key at start-up, where compiling cost more than it saved
 * (loadConfig 18-33 ms -> 7-9 ms here, on the path to READY). Same results, same issues.
 */
export const CONFIG_PARSE = { jitless: true } as const;

/** Reports a problem at a dotted path. */
export type ReportProblem = (path: readonly string[], message: string) => void;

/** The schema under defaults, prefaults and optionals: what the value itself must be. */
function bare(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (
    (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) &&
    typeof s.unwrap === 'function'
  )
    s = s.unwrap() as z.ZodType;
  return s;
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema's default (or undefined when it has none and is optional); `failed` when there is none. */
function fallback(schema: z.ZodType): { ok: true; value: unknown } | { ok: false } {
  const r = schema.safeParse(undefined, CONFIG_PARSE);
  return r.success ? { ok: true, value: r.data } : { ok: false };
}

/**
 * Validates `raw` against `schema` key by key, so a bad value costs only its own key: a typo
 * in `tempo_bpm` falls back to the default tempo and leaves the voices as written. Tables
 * and arrays of tables are resolved the same way inside; an array entry that cannot stand
 * (a voice without a name) is dropped and reported. Every problem names its path.
 */
export function resolveKeyed(schema: z.ZodType, raw: unknown, path: readonly string[], report: ReportProblem): unknown {
  const inner = bare(schema);
  if (inner instanceof z.ZodObject && isTable(raw)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) if (!(key in shape)) report([...path, key], `unknown key '${key}'`);
    for (const [key, field] of Object.entries(shape)) {
      const value = key in raw ? resolveKeyed(field, raw[key], [...path, key], report) : undefined;
      const r = field.safeParse(value, CONFIG_PARSE);
      if (r.success) {
        if (r.data !== undefined) out[key] = r.data;
        continue;
      }
      const f = fallback(field);
      // A key with no default cannot fall back: whoever holds the table reports it (a voice without a name is dropped).
      if (!f.ok) continue;
      // resolveKeyed already reported what was wrong inside a table; a leaf's own problem is reported here.
      if (!(bare(field) instanceof z.ZodObject) || !isTable(raw[key]))
        for (const issue of r.error.issues)
          report([...path, key, ...issue.path.map(String)], `${issue.message}; using the default`);
      if (f.value !== undefined) out[key] = f.value;
    }
    return out;
  }
  if (inner instanceof z.ZodArray && Array.isArray(raw) && bare(inner.element as z.ZodType) instanceof z.ZodObject) {
    const element = inner.element as z.ZodType;
    const kept: unknown[] = [];
    raw.forEach((entry, i) => {
      const resolved = resolveKeyed(element, entry, [...path, String(i)], report);
      const r = element.safeParse(resolved, CONFIG_PARSE);
      if (r.success) kept.push(r.data);
      else
        report(
          [...path, String(i)],
          `dropped: ${r.error.issues.map((x) => `${x.path.join('.') || 'entry'}: ${x.message}`).join('; ')}`,
        );
    });
    return kept;
  }
  return raw;
}
