import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateGrooveTable, type GrooveTable } from './groove-table.js';

export const GROOVE_FILE = 'groove.json';

/**
 * The groove table saved beside a model, or why there is none. A missing or damaged file never
 * stops the box: the caller plays on the grid (groove off) and shows the reason.
 */
export async function loadGrooveTable(
  modelDir: string,
): Promise<{ table: GrooveTable } | { table: undefined; reason: string }> {
  let text: string;
  try {
    text = await readFile(join(modelDir, GROOVE_FILE), 'utf8');
  } catch {
    return { table: undefined, reason: `${join(modelDir, GROOVE_FILE)} not found: groove off` };
  }
  try {
    return { table: validateGrooveTable(JSON.parse(text)) };
  } catch (err) {
    return { table: undefined, reason: `${join(modelDir, GROOVE_FILE)}: ${(err as Error).message}; groove off` };
  }
}
