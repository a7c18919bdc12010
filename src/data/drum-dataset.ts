import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { extractDrumWindows, type DrumWindow, type WindowOptions } from './drum-windows.js';
import { MidiImportError, type SkippedFile } from './import-errors.js';
import { readDrumSequence, type DrumSelection } from './midi-to-sequence.js';
import { errorMessage } from '../util/error-message.js';

export interface DrumDataset {
  readonly windows: DrumWindow[];
  readonly skipped: SkippedFile[];
  readonly filesRead: number;
  readonly unmappedNotes: number;
}

export interface LoadOptions extends WindowOptions, DrumSelection {
  /** Only files for which this returns true (paths relative to the folder, '/'-separated). */
  readonly include?: (relativePath: string) => boolean;
}

/** Every .mid/.midi below `dir`, sorted so runs are reproducible. */
export async function listMidiFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.midi?$/i.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/**
 * Reads a folder of MIDI files into training windows. A file that cannot be used is reported
 * in `skipped` with its reason; it never stops the run.
 */
export async function loadDrumDataset(dir: string, options: LoadOptions): Promise<DrumDataset> {
  const files = (await listMidiFiles(dir)).filter((f) => options.include?.(f) ?? true);
  const windows: DrumWindow[] = [];
  const skipped: SkippedFile[] = [];
  let unmappedNotes = 0;
  for (const file of files) {
    try {
      const bytes = await readFile(join(dir, file));
      const sequence = readDrumSequence(bytes, file, options);
      const result = extractDrumWindows(sequence, file, options);
      windows.push(...result.windows);
      skipped.push(...result.skipped);
      unmappedNotes += result.unmappedNotes;
    } catch (err) {
      if (err instanceof MidiImportError) skipped.push({ file, reason: err.reason, detail: err.detail });
      else skipped.push({ file, reason: 'unreadable', detail: errorMessage(err) });
    }
  }
  return { windows, skipped, filesRead: files.length, unmappedNotes };
}
