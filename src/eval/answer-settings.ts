import { DEFAULT_SAMPLING, SAMPLING_OFF, type SamplingSettings } from '../perform/generator-port.js';
import type { AnswerSetting } from './answer-run.js';

/** A `--setting` that cannot be read; the message names the key and what it takes. */
export class BadSetting extends Error {
  override readonly name = 'BadSetting';
  constructor(
    readonly spec: string,
    why: string,
  ) {
    super(`--setting ${spec}: ${why}`);
  }
}

interface Key {
  readonly field: keyof SamplingSettings;
  readonly ok: (n: number) => boolean;
  readonly expected: string;
}

const KEYS: Readonly<Record<string, Key>> = {
  t: { field: 'temperature', ok: (n) => n > 0 && n <= 5, expected: 'a temperature in (0, 5]' },
  beam: { field: 'beamSize', ok: (n) => Number.isInteger(n) && n >= 1 && n <= 16, expected: 'a beam size 1..16' },
  topk: {
    field: 'topK',
    ok: (n) => Number.isInteger(n) && n >= 0 && n <= 512,
    expected: 'an integer 0..512 (0 = off)',
  },
  topp: { field: 'topP', ok: (n) => n > 0 && n <= 1, expected: 'a probability in (0, 1] (1 = off)' },
  profile: { field: 'profileWeight', ok: (n) => n >= 0 && n <= 10, expected: 'a weight 0..10 (0 = off)' },
  floor: {
    field: 'profileFloor',
    ok: (n) => n >= 0 && n <= 1,
    expected: "the profile's share left at the answer's end, 0..1 (1 = no ramp)",
  },
  density: { field: 'densityWeight', ok: (n) => n >= 0 && n <= 20, expected: 'a weight 0..20 (0 = off)' },
};

export const SETTING_HELP = `SETTING is "default" (the recommended voice settings) or comma-separated key=value pairs
    t=TEMPERATURE  beam=N  topk=K (0 off)  topp=P (1 off)  profile=W (0 off)  floor=F (1 = no ramp)  density=W (0 off)
    keys left out are off (t=1, beam=1), e.g. --setting t=1 --setting beam=4 --setting t=0.9,profile=0.5,density=2`;

/** Reads one `--setting` value. */
export function parseSetting(spec: string): AnswerSetting {
  const trimmed = spec.trim();
  if (trimmed === 'default') return { label: 'default', sampling: DEFAULT_SAMPLING };
  const sampling: Record<keyof SamplingSettings, number> = { ...SAMPLING_OFF };
  const seen = new Set<string>();
  for (const pair of trimmed.split(',')) {
    const [name, value, extra] = pair.split('=').map((s) => s.trim());
    if (name === undefined || value === undefined || extra !== undefined || name === '' || value === '')
      throw new BadSetting(spec, `"${pair}" is not key=value`);
    const key = KEYS[name];
    if (!key) throw new BadSetting(spec, `unknown key "${name}" (known: ${Object.keys(KEYS).join(', ')})`);
    if (seen.has(name)) throw new BadSetting(spec, `"${name}" is given twice`);
    seen.add(name);
    const n = Number(value);
    if (!Number.isFinite(n) || !key.ok(n)) throw new BadSetting(spec, `${name}=${value}: expected ${key.expected}`);
    sampling[key.field] = n;
  }
  return { label: trimmed, sampling };
}

/** The label a setting would have as a spec: only the keys that differ from "off". */
export function settingLabel(s: SamplingSettings): string {
  const parts = Object.entries(KEYS)
    .filter(([, k]) => k.field === 'temperature' || s[k.field] !== SAMPLING_OFF[k.field])
    .map(([name, k]) => `${name}=${s[k.field]}`);
  return parts.join(',');
}
