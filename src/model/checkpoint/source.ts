import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a checkpoint's files come from: a folder or a URL. */
export interface CheckpointSource {
  /** Folder path or base URL, for messages. */
  readonly location: string;
  /** The file's bytes, or undefined when the file does not exist. */
  read(file: string): Promise<Uint8Array | undefined>;
}

export function folderSource(dir: string): CheckpointSource {
  return {
    location: dir,
    async read(file) {
      try {
        return new Uint8Array(await readFile(join(dir, file)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}

export function urlSource(baseUrl: string): CheckpointSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    location: baseUrl,
    async read(file) {
      const response = await fetch(new URL(file, base));
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`${base}${file}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A source over files already in memory (tests, in-process round trips). */
export function memorySource(files: ReadonlyMap<string, Uint8Array>, location = 'memory'): CheckpointSource {
  return {
    location,
    read: (file) => Promise.resolve(files.get(file)),
  };
}

export function openCheckpointSource(pathOrUrl: string): CheckpointSource {
  return /^https?:\/\//.test(pathOrUrl) ? urlSource(pathOrUrl) : folderSource(pathOrUrl);
}
