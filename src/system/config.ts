import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

const role = z.union([
  z.enum(['human', 'response', 'clock-in', 'clock-out', 'thru']),
  z.templateLiteral(['voice:', z.string()]),
]);

const bars = (lo: number, hi: number, dflt: number) => z.number().int().min(lo).max(hi).default(dflt);
const cc = (dflt: number) => z.number().int().min(0).max(119).default(dflt);

/** `[perform]`: the call-and-response engine, its voices, knobs-as-CC and recordings. */
const PERFORM_SCHEMA = z
  .object({
    tempo_bpm: z.number().min(20).max(300).default(120),
    mode: z.enum(['answer', 'chain', 'loop']).default('answer'),
    min_call_bars: bars(1, 64, 1),
    max_call_bars: bars(1, 64, 8),
    silence_bars: bars(1, 8, 1),
    /** 0 = as long as the call. */
    response_bars: bars(0, 64, 0),
    safety_ms: z.number().min(0).max(500).default(30),
    carry_state: z.boolean().default(true),
    /** Feel of the answers: the model's learned groove.json, the caller's own, or off (straight grid). */
    groove: z.enum(['learned', 'call', 'off']).default('learned'),
    gate_steps: z.number().gt(0).max(4).default(0.5),
    /** Unset: a new seed every boot. */
    seed: z.number().int().optional(),
    /** Models a model-select knob steps through (names under models/ or folders). */
    models: z.array(z.string().min(1)).min(1).default(['default']),
    voices: z
      .array(
        z
          .object({
            name: z.string().min(1),
            model: z.string().min(1).default('default'),
            role: role.default('response'),
            /** 1-based, as printed on gear. */
            channel: z.number().int().min(1).max(16).default(10),
            temperature: z.number().min(0.1).max(2).default(1),
            beam: z.number().int().min(1).max(16).default(1),
          })
          .strict(),
      )
      .min(1)
      .default([{ name: 'A', model: 'default', role: 'response', channel: 10, temperature: 1, beam: 1 }]),
    loop_min_hits_per_bar: z.number().min(0).default(2),
    loop_max_hits_per_bar: z.number().min(1).default(40),
    loop_retries: z.number().int().min(0).max(8).default(2),
    recordings_max_mb: z.number().min(1).default(256),
    /** A pad note that ends the call (besides the CC), e.g. a spare pad; unset = none. */
    end_call_note: z.number().int().min(0).max(127).optional(),
    /** Controller numbers (Magenta's interface leaves them to the user; these are free in GM). */
    cc: z
      .object({
        end_call: cc(102), panic: cc(103), mutate: cc(104), loop: cc(105), min_listen: cc(106), max_listen: cc(107),
        response_length: cc(108), temperature: cc(109), tempo: cc(110), model_select: cc(111), mode: cc(112), state_out: cc(113),
      })
      .strict()
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
