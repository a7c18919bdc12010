import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SplitName = 'train' | 'validation';

/**
 * Which files train and which validate. A folder with the Groove MIDI Dataset's info.csv
 * (a `midi_filename` and a `split` column) uses its split; any other folder holds out a
 * stable ~10% of files, chosen by a hash of the path so the choice never changes between runs.
 */
export async function splitOf(dir: string): Promise<(relativePath: string) => SplitName | 'other'> {
  let csv: string | undefined;
  try {
    csv = await readFile(join(dir, 'info.csv'), 'utf8');
  } catch {
    csv = undefined;
  }
  const table = csv === undefined ? undefined : parseSplitColumn(csv);
  if (table) return (path) => table.get(path) ?? 'other';
  return (path) => (hashPath(path) % 10 === 0 ? 'validation' : 'train');
}

function parseSplitColumn(csv: string): Map<string, SplitName | 'other'> | undefined {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const fileCol = header.indexOf('midi_filename');
  const splitCol = header.indexOf('split');
  if (fileCol < 0 || splitCol < 0) return undefined;
  const table = new Map<string, SplitName | 'other'>();
  for (const line of lines.slice(1)) {
    // GMD's columns hold no quoted commas; a row that does not parse is ignored, not fatal.
    const cells = line.split(',');
    const file = cells[fileCol];
    const split = cells[splitCol];
    if (file === undefined || split === undefined) continue;
    table.set(file, split === 'train' || split === 'validation' ? split : 'other');
  }
  return table;
}

function hashPath(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return h >>> 0;
}
