/**
 * A few checks for the two small JSON files of a checkpoint (config.json, the weights
 * manifest), each failure naming the path inside the file. Hand-written rather than zod:
 * the model worker's isolate would otherwise load zod for these two files alone, ~12 MB
 * resident and ~50 ms of start-up per isolate (bench:memory, bench:startup).
 */
export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError';
  constructor(
    /** Where in the document, as keys and indices; empty for the root. */
    readonly path: readonly (string | number)[],
    /** What is wrong there. */
    readonly problem: string,
  ) {
    super(`${path.join('.') || '(root)'}: ${problem}`);
  }
}

export type JsonPath = readonly (string | number)[];

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A plain object (not null, not an array). */
export function objectAt(v: unknown, path: JsonPath): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new JsonShapeError(path, `expected an object, got ${kindOf(v)}`);
  return v as Record<string, unknown>;
}

/** An array of at least `min` elements (exactly `length` when given). */
export function arrayAt(v: unknown, path: JsonPath, min = 0, length?: number): unknown[] {
  if (!Array.isArray(v)) throw new JsonShapeError(path, `expected an array, got ${kindOf(v)}`);
  if (length !== undefined && v.length !== length)
    throw new JsonShapeError(path, `expected ${length} elements, got ${v.length}`);
  if (v.length < min) throw new JsonShapeError(path, `expected at least ${min} element(s), got ${v.length}`);
  return v;
}

/** A string of at least `min` characters. */
export function stringAt(v: unknown, path: JsonPath, min = 0): string {
  if (typeof v !== 'string') throw new JsonShapeError(path, `expected a string, got ${kindOf(v)}`);
  if (v.length < min) throw new JsonShapeError(path, `expected at least ${min} character(s)`);
  return v;
}

/** A finite number. */
export function numberAt(v: unknown, path: JsonPath): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new JsonShapeError(path, `expected a finite number, got ${typeof v === 'number' ? v : kindOf(v)}`);
  return v;
}

/** An integer in `min..max`. */
export function integerAt(v: unknown, path: JsonPath, min = -Infinity, max = Infinity): number {
  const n = numberAt(v, path);
  if (!Number.isInteger(n)) throw new JsonShapeError(path, `expected an integer, got ${n}`);
  if (n < min || n > max)
    throw new JsonShapeError(path, `expected ${max === Infinity ? `at least ${min}` : `${min}..${max}`}, got ${n}`);
  return n;
}

/** One of `options`, exactly. */
export function oneOf<T extends string>(v: unknown, path: JsonPath, options: readonly T[]): T {
  if (!options.includes(v as T))
    throw new JsonShapeError(
      path,
      `expected ${options.map((o) => `'${o}'`).join(' or ')}, got ${typeof v === 'string' ? `'${v}'` : kindOf(v)}`,
    );
  return v as T;
}

/** `check(v)` when the key is present (not undefined), else undefined. */
export function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}
