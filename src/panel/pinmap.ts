import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIN_MAP_SCHEMA, type PinMap } from './panel-schema.js';

/** `hardware/pinmap.json` in this checkout or install: two folders above this file in src/ and in dist/ alike. */
export const PIN_MAP_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'hardware', 'pinmap.json');

/** A pin map that cannot be used, naming the file and the key. */
export class PinMapError extends Error {
  override readonly name = 'PinMapError';
}

/** Reads and checks a pin map; every GPIO is used once, every event code once. */
export function loadPinMap(file = PIN_MAP_FILE): PinMap {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PinMapError(`${file}: ${(e as Error).message}`);
  }
  const parsed = PIN_MAP_SCHEMA.safeParse(raw);
  if (!parsed.success)
    throw new PinMapError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const map = parsed.data;
  checkUnique(
    file,
    'GPIO',
    usedPins(map).map((u) => [u.pin, u.what]),
  );
  checkUnique(file, 'input code', [
    ...map.encoders.flatMap((e) => (e.push_code === undefined ? [] : [[e.push_code, `${e.id}.push_code`] as const])),
    ...map.buttons.map((b) => [b.code, `${b.id}.code`] as const),
  ]);
  checkUnique(
    file,
    'encoder axis',
    map.encoders.map((e) => [e.axis, `${e.id}.axis`]),
  );
  checkUnique(
    file,
    'ADC channel',
    map.pots.map((p) => [p.channel, `${p.id}.channel`]),
  );
  checkUnique(
    file,
    'PCA9685 channel',
    map.leds.flatMap((l) => (l.pca9685 === undefined ? [] : [[l.pca9685, `${l.id}.pca9685`] as const])),
  );
  return map;
}

/** Every header GPIO the map uses, with what uses it. */
export function usedPins(map: PinMap): { pin: number; what: string }[] {
  const out: { pin: number; what: string }[] = [
    { pin: map.i2c.sda, what: 'i2c.sda' },
    { pin: map.i2c.scl, what: 'i2c.scl' },
    { pin: map.din.tx, what: 'din.tx' },
    { pin: map.din.rx, what: 'din.rx' },
  ];
  for (const e of map.encoders)
    for (const k of ['a', 'b', 'push'] as const) if (e[k] !== undefined) out.push({ pin: e[k], what: `${e.id}.${k}` });
  for (const b of map.buttons) if (b.pin !== undefined) out.push({ pin: b.pin, what: `${b.id}.pin` });
  for (const l of map.leds) if (l.pin !== undefined) out.push({ pin: l.pin, what: `${l.id}.pin` });
  return out;
}

function checkUnique(file: string, kind: string, entries: readonly (readonly [number, string])[]): void {
  const seen = new Map<number, string>();
  for (const [value, what] of entries) {
    const other = seen.get(value);
    if (other !== undefined) throw new PinMapError(`${file}: ${kind} ${value} is used by both ${other} and ${what}`);
    seen.set(value, what);
  }
}
