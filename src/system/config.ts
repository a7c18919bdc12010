// First: zod's parse mode, before any schema below is built.
import './config-zod-mode.js';
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { CONFIG_PARSE, resolveKeyed } from './config-keys.js';
import { ROLE_HELP, isRole, type Role } from '../control/roles.js';
import { isCcTarget } from '../control/cc-map.js';
import { parameterShape, defaultsOf } from '../control/parameter-schema.js';
import type { ParameterState, ParameterValues } from '../control/parameter-store.js';
import { GLOBAL_PARAMETERS, VOICE_PARAMETERS, type ParameterValue } from '../control/parameters.js';
import { WEB_SCHEMA } from '../web/web-config.js';
import { PUSH2_SCHEMA } from '../push2/config.js';
import { PANEL_SCHEMA } from '../panel/panel-config.js';
import { SYNTH_SCHEMA } from '../synth/synth-config.js';
import { LINK_SCHEMA } from '../link/link-config.js';
import { errorMessage } from '../util/error-message.js';

const role = z
  .string()
  .refine(isRole, { message: `expected ${ROLE_HELP}` })
  .transform((r) => r as Role);

const cc = z.number().int().min(0).max(119);

/**
 * Controller numbers: the three buttons, `state_out` (what the box reports to the pad), and
 * any registry parameter, as `name` (a voice parameter: the first voice) or `name@VOICE`.
 * These defaults are Magenta's interface's controls, on controllers free in GM.
 */
export const DEFAULT_CC_MAP: Readonly<Record<string, number>> = {
  end_call: 102,
  panic: 103,
  mutate: 104,
  loop_response: 105,
  min_call_bars: 106,
  max_call_bars: 107,
  response_bars: 108,
  temperature: 109,
  tempo_bpm: 110,
  model: 111,
  mode: 112,
  state_out: 113,
};

/** `[perform]`: the registry's parameters (globals here, voice ones per `[[perform.voices]]`) and what no knob changes. */
const PERFORM_SCHEMA = z
  .object({
    ...parameterShape(GLOBAL_PARAMETERS),
    /** Unset: a new seed every boot. */
    seed: z.number().int().optional(),
    /** Models a model knob steps through besides the voices' own (names under models/ or folders); all are loaded at start. */
    models: z.array(z.string().min(1)).default([]),
    voices: z
      .array(z.object({ name: z.string().min(1), ...parameterShape(VOICE_PARAMETERS) }).strict())
      .min(1)
      .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, { message: 'voice names must differ' })
      .default([{ name: 'A', ...defaultsOf(VOICE_PARAMETERS) } as never]),
    recordings_max_mb: z.number().min(1).default(256),
    /** A pad note that ends the call (besides the CC), e.g. a spare pad; unset = none. */
    end_call_note: z.number().int().min(0).max(127).optional(),
    cc: z
      .record(
        z.string().refine(isCcTarget, {
          message: 'not a parameter (name or name@VOICE), end_call, panic, mutate or state_out',
        }),
        cc,
      )
      .transform((m) => ({ ...DEFAULT_CC_MAP, ...m }))
      .prefault({}),
  })
  .strict();

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
  /** Which clock the box plays to; see ClockService. */
  clock: z
    .object({
      /** auto: follow a clock arriving on a clock-in device or DIN, lead while there is none. */
      source: z.enum(['auto', 'internal', 'external']).default('auto'),
      /** While following, pass the incoming clock and transport on to clock-out devices and DIN out. */
      thru: z.boolean().default(true),
      /** Silence after which a followed clock counts as lost (auto: the box then leads, seamlessly). */
      lost_after_ms: z.number().int().min(100).max(10_000).default(1000),
    })
    .strict(),
  /** 5-pin DIN MIDI on the UART. A missing UART is logged once and retried; the box plays on. */
  din: z
    .object({
      enabled: z.boolean().default(true),
      device: z.string().min(1).default('/dev/ttyAMA0'),
      /** Same roles as a USB device: DIN in uses clock-in and human; DIN out the others. */
      roles: z.array(role).min(1).default(['clock-in', 'clock-out']),
    })
    .strict(),
  log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info') }).strict(),
  data: z.object({ dir: z.string().min(1).default('./data') }).strict(),
  perform: PERFORM_SCHEMA,
  web: WEB_SCHEMA,
  push2: PUSH2_SCHEMA,
  synth: SYNTH_SCHEMA,
  panel: PANEL_SCHEMA,
  link: LINK_SCHEMA,
} as const;

type Sections = typeof SECTION_SCHEMAS;

/** `[perform]` as the box uses it: the registry's values apart from what no knob changes. */
export interface PerformConfig {
  /** Every registry parameter: the globals, and each `[[perform.voices]]` entry's own. */
  readonly parameters: ParameterState;
  readonly seed?: number;
  readonly models: readonly string[];
  readonly recordings_max_mb: number;
  readonly end_call_note?: number;
  /** Controller number by target (see DEFAULT_CC_MAP). */
  readonly cc: Readonly<Record<string, number>>;
}

export type Config = { readonly [K in Exclude<keyof Sections, 'perform'>]: z.infer<Sections[K]> } & {
  readonly perform: PerformConfig;
};

/** Splits the validated `[perform]` table into registry values and the rest. */
function performConfig(flat: Record<string, unknown>): PerformConfig {
  const pick = (from: Record<string, unknown>, names: readonly string[]): ParameterValues =>
    Object.fromEntries(names.filter((n) => n in from).map((n) => [n, from[n] as ParameterValue]));
  const voices = flat['voices'] as readonly Record<string, unknown>[];
  return {
    parameters: {
      global: pick(
        flat,
        GLOBAL_PARAMETERS.map((p) => p.name),
      ),
      voices: voices.map((v) => ({
        name: String(v['name']),
        values: pick(
          v,
          VOICE_PARAMETERS.map((p) => p.name),
        ),
      })),
    },
    ...(flat['seed'] === undefined ? {} : { seed: flat['seed'] as number }),
    models: flat['models'] as string[],
    recordings_max_mb: flat['recordings_max_mb'] as number,
    ...(flat['end_call_note'] === undefined ? {} : { end_call_note: flat['end_call_note'] as number }),
    cc: flat['cc'] as Record<string, number>,
  };
}

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

function defaultSections(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(SECTION_SCHEMAS).map(([k, schema]) => [k, schema.parse({}, CONFIG_PARSE)]));
}

const finish = (sections: Record<string, unknown>): Config =>
  ({ ...sections, perform: performConfig(sections['perform'] as Record<string, unknown>) }) as unknown as Config;

function defaults(): Config {
  return finish(defaultSections());
}

/** Validates already-parsed TOML; `file` only names the place in problems. */
export function resolveConfig(raw: unknown, file: string): LoadedConfig {
  const config = defaultSections();
  const problems: ConfigProblem[] = [];
  if (typeof raw !== 'object' || raw === null) return { config: finish(config), problems };
  const report = (path: readonly string[], message: string): void =>
    void problems.push({ file, path: path.join('.'), message });
  for (const [section, value] of Object.entries(raw)) {
    const schema = SECTION_SCHEMAS[section as keyof Sections] as z.ZodType | undefined;
    if (!schema) report([section], `unknown section [${section}]`);
    else {
      // Key by key first; what is left is what only the whole section can judge.
      const whole = schema.safeParse(resolveKeyed(schema, value, [section], report), CONFIG_PARSE);
      if (whole.success) config[section] = whole.data;
      else
        for (const issue of whole.error.issues)
          report([section, ...issue.path.map(String)], `${issue.message} (section on its defaults)`);
    }
  }
  return { config: finish(config), problems };
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
    return { config: defaults(), problems: [{ file, path: '', message: `not valid TOML: ${errorMessage(e)}` }] };
  }
}
