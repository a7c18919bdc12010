import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

const role = z.union([
  z.enum(['human', 'response', 'clock-in', 'clock-out', 'thru']),
  z.templateLiteral(['voice:', z.string()]),
]);

/**
 * One schema per config section. A bad value in one section costs only that section: it
 * falls back to its defaults and the problem is reported with its path, so a typo in
 * antiphon.toml never stops the box from playing.
 */
export const SECTION_SCHEMAS = {
  devices: z
    .object({
      /** GM drum channel, 1-based as printed on gear. */
      drum_channel: z.number().int().min(1).max(16).default(10),
      /** Port-list poll period; USB events trigger scans sooner. */
      poll_ms: z.number().int().min(20).max(5000).default(250),
      /** Devices never to open (identity or client-name substrings), e.g. a USB gadget's own side. */
      ignore: z.array(z.string().min(1)).default([]),
      roles: z.array(z.object({ match: z.string().min(1), roles: z.array(role).min(1) }).strict()).default([]),
    })
    .strict(),
  log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info') }).strict(),
  data: z.object({ dir: z.string().min(1).default('./data') }).strict(),
} as const;

type Sections = typeof SECTION_SCHEMAS;
export type Config = { readonly [K in keyof Sections]: z.infer<Sections[K]> };

/** A config problem with the file and the dotted key path it is at. */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export interface LoadedConfig {
  readonly config: Config;
  readonly problems: readonly ConfigProblem[];
}

function defaults(): Config {
  return Object.fromEntries(
    Object.entries(SECTION_SCHEMAS).map(([k, schema]) => [k, schema.parse({})]),
  ) as unknown as Config;
}

/** Validates already-parsed TOML; `file` only names the place in problems. */
export function resolveConfig(raw: unknown, file: string): LoadedConfig {
  const config: Record<string, unknown> = { ...defaults() };
  const problems: ConfigProblem[] = [];
  if (typeof raw !== 'object' || raw === null) return { config: config as Config, problems };
  for (const [section, value] of Object.entries(raw)) {
    const schema = SECTION_SCHEMAS[section as keyof Sections] as z.ZodType | undefined;
    if (!schema) {
      problems.push({ file, path: section, message: `unknown section [${section}]` });
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) config[section] = result.data;
    else
      for (const issue of result.error.issues)
        problems.push({ file, path: [section, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return { config: config as Config, problems };
}

/** Loads antiphon.toml. A missing file means defaults; a broken one means defaults plus a problem. */
export function loadConfig(file: string | undefined): LoadedConfig {
  if (!file) return { config: defaults(), problems: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { config: defaults(), problems: [] };
    return { config: defaults(), problems: [{ file, path: '', message: `cannot read: ${code ?? String(e)}` }] };
  }
  try {
    return resolveConfig(parseToml(text), file);
  } catch (e) {
    return { config: defaults(), problems: [{ file, path: '', message: `not valid TOML: ${(e as Error).message}` }] };
  }
}
