import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { buttonKey, parseCcTarget, type CcTarget } from '../control/cc-map.js';
import type { ParameterState } from '../control/parameter-store.js';
import { describeTarget } from './panel-controller.js';

/** What survives power-off: learned CCs and every parameter's value. */
export interface PanelSettings {
  readonly learned: readonly { readonly controller: number; readonly target: CcTarget }[];
  readonly parameters: ParameterState;
}

const value = z.union([z.number(), z.string(), z.boolean()]);
const FILE_SCHEMA = z
  .object({
    version: z.literal(1),
    savedAt: z.string().optional(),
    learned: z.array(
      z
        .object({
          controller: z.number().int().min(0).max(127),
          target: z.string().refine((t) => parseCcTarget(t) !== undefined, { message: 'not a CC target' }),
        })
        .strict(),
    ),
    parameters: z
      .object({
        global: z.record(z.string(), value),
        voices: z.array(z.object({ name: z.string(), values: z.record(z.string(), value) }).strict()),
      })
      .strict(),
  })
  .strict();

export type SettingsRead =
  | { readonly kind: 'ok'; readonly settings: PanelSettings }
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt'; readonly error: string };

/**
 * Reads the settings file; a missing one is not an error, a corrupt one says what is wrong where.
 * It is read once, at start, before anything writes: so temp files beside it are what a power
 * cut left mid-write, and are removed (the file itself is still the last complete save).
 */
export async function readSettings(file: string): Promise<SettingsRead> {
  await removeCutTemps(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return {
      kind: 'corrupt',
      error: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'corrupt', error: `${file}: not JSON (${(e as Error).message})` };
  }
  const r = FILE_SCHEMA.safeParse(raw);
  if (!r.success)
    return {
      kind: 'corrupt',
      error: `${file}: ${r.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`,
    };
  const learned = r.data.learned.flatMap((l) => {
    const target = parseCcTarget(l.target);
    return target ? [{ controller: l.controller, target }] : [];
  });
  return { kind: 'ok', settings: { learned, parameters: r.data.parameters } };
}

/**
 * Writes the settings so a power cut leaves either the old file or the new one, never half:
 * a temp file beside it, fsync, rename over, fsync the folder (so the rename itself is on disk).
 */
export async function writeSettingsAtomic(file: string, settings: PanelSettings, now = new Date()): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const body = {
    version: 1,
    savedAt: now.toISOString(),
    learned: settings.learned.map((l) => ({ controller: l.controller, target: targetKey(l.target) })),
    parameters: settings.parameters,
  };
  const tmp = `${file}${TEMP_INFIX}${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(body, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

const TEMP_INFIX = '.tmp-';

/** Removes `<file>.tmp-<pid>` files a cut left behind; returns their names. Never throws. */
export async function removeCutTemps(file: string): Promise<string[]> {
  const prefix = `${basename(file)}${TEMP_INFIX}`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const n of names.filter((x) => x.startsWith(prefix))) {
    if (
      await rm(join(dirname(file), n), { force: true }).then(
        () => true,
        () => false,
      )
    )
      removed.push(n);
  }
  return removed;
}

/** A target as the CC map's key (`mutate`, `temperature@B`), which parseCcTarget reads back. */
export function targetKey(t: CcTarget): string {
  if (t.kind === 'button') return buttonKey(t.command);
  return describeTarget(t);
}
