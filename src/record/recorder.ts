import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exchange } from '../perform/engine-types.js';
import { exchangeToSmf } from './exchange-smf.js';

export interface RecorderLog {
  info(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface RecorderOptions {
  readonly dir: string;
  /** Recordings are deleted oldest first to keep the directory under this many bytes. */
  readonly maxBytes: number;
  readonly log: RecorderLog;
  /** Wall clock for file names (injected so names are testable). */
  readonly now?: () => Date;
}

const PREFIX = 'exchange-';
const SUFFIX = '.mid';
const TEMP_SUFFIX = '.tmp';

/** A recording's temp name (`.exchange-….mid.tmp`): what a cut mid-write leaves. */
export const isPartialRecording = (name: string): boolean =>
  name.startsWith(`.${PREFIX}`) && name.endsWith(`${SUFFIX}${TEMP_SUFFIX}`);

/**
 * Writes every exchange to its own .mid file. Each write is atomic (temp file, fsync,
 * rename, fsync of the directory), so a power cut leaves either the old state or the whole
 * file, never half of one. Writes run one at a time on libuv's thread pool: the event loop
 * (and with it the clock) never waits for the SD card. Any failure (full disk, read-only or
 * missing directory) is logged and counted; it never reaches the music.
 */
export class ExchangeRecorder {
  #queue: Promise<void> = Promise.resolve();
  /** Files written so far (a count: a box records all night, and the list would only grow). */
  written = 0;
  failures = 0;
  /** Exchanges left unwritten because the recorder was disarmed. */
  skipped = 0;
  /** Disarmed, exchanges are not written (the Record button); armed at boot, as the box always recorded. */
  armed = true;

  /** Partial recordings a power cut left behind, removed before the first write (see `#sweep`). */
  leftoversRemoved = 0;
  /**
   * Bytes of recordings in the directory: read from it once, then kept by each write and
   * rotation. Re-reading the directory and statting every file after each write cost a box
   * that records all night O(files) per exchange (64,000 files fit in 256 MB), and the soak
   * saw malloc's heap grow with the files. Rotation reads the directory only when over the
   * limit, and then deletes down to ROTATE_TO of it, so it runs once per many recordings.
   */
  #bytes: number | undefined;

  constructor(private readonly opts: RecorderOptions) {
    // First in the queue, so no write of this run can race it.
    this.#queue = this.#sweep();
  }

  /**
   * Queues an exchange; resolves to the file path, `disarmed` when the recorder is disarmed
   * (nothing is written), or undefined when it could not be written.
   */
  record(exchange: Exchange): Promise<string | 'disarmed' | undefined> {
    if (!this.armed) {
      this.skipped++;
      return Promise.resolve('disarmed');
    }
    const run = this.#queue.then(() => this.#write(exchange));
    this.#queue = run.then(() => undefined);
    return run;
  }

  /** Resolves when every queued write has finished (shutdown). */
  flush(): Promise<void> {
    return this.#queue;
  }

  async #write(exchange: Exchange): Promise<string | undefined> {
    const { dir, log } = this.opts;
    const name = `${PREFIX}${stamp((this.opts.now ?? (() => new Date()))())}-${String(exchange.id).padStart(4, '0')}${SUFFIX}`;
    const path = join(dir, name);
    const temp = join(dir, `.${name}${TEMP_SUFFIX}`);
    try {
      const bytes = exchangeToSmf(exchange);
      await mkdir(dir, { recursive: true });
      const file = await open(temp, 'w');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
      await syncDir(dir);
      this.written++;
      log.info({ file: path, bytes: bytes.length, turns: exchange.turns.length }, 'exchange recorded');
      await this.#rotate(bytes.length);
      return path;
    } catch (e) {
      this.failures++;
      const err = e as NodeJS.ErrnoException;
      log.error(
        { file: path, code: err.code, error: err.message, failures: this.failures },
        'recording failed; the music goes on',
      );
      await rm(temp, { force: true }).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * A cut during a write leaves `.exchange-….mid.tmp` (never a half file under a final name):
   * remove those at start. A missing or unreadable directory is the first write's problem.
   */
  async #sweep(): Promise<void> {
    const { dir, log } = this.opts;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const n of names.filter(isPartialRecording)) {
      try {
        await rm(join(dir, n), { force: true });
        this.leftoversRemoved++;
        log.info({ file: join(dir, n) }, 'partial recording left by a power cut removed');
      } catch (e) {
        log.error(
          { file: join(dir, n), code: (e as NodeJS.ErrnoException).code },
          'partial recording could not be removed',
        );
      }
    }
  }

  /** Counts the file just written; over the limit, deletes the oldest recordings down to ROTATE_TO of it. */
  async #rotate(bytes: number): Promise<void> {
    const { dir, maxBytes, log } = this.opts;
    if (this.#bytes === undefined) this.#bytes = (await readRecordings(dir)).total;
    else this.#bytes += bytes;
    if (this.#bytes <= maxBytes) return;
    const { names, sizes, total } = await readRecordings(dir);
    let kept = total;
    // Names sort by time, so the front of the list is the oldest; the newest file always stays.
    for (let i = 0; i < names.length - 1 && kept > maxBytes * ROTATE_TO; i++) {
      const n = names[i] ?? '';
      await rm(join(dir, n), { force: true });
      kept -= sizes[i] ?? 0;
      log.info({ file: n, keptBytes: kept, maxBytes }, 'old recording rotated out');
    }
    this.#bytes = kept;
  }
}

/** Over the limit, rotation deletes down to this share of it: a directory read per many recordings, not per recording. */
export const ROTATE_TO = 0.9;

/** The recordings in `dir`, oldest first, with their sizes (one stat at a time: no burst of thousands). */
async function readRecordings(dir: string): Promise<{ names: string[]; sizes: number[]; total: number }> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX)).sort();
  const sizes: number[] = [];
  for (const n of names)
    sizes.push(
      await stat(join(dir, n)).then(
        (s) => s.size,
        () => 0,
      ),
    );
  return { names, sizes, total: sizes.reduce((a, b) => a + b, 0) };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems (vfat boot partitions) refuse fsync on a directory; the rename stands.
  } finally {
    await handle.close();
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
function stamp(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${pad(d.getUTCMilliseconds(), 3)}`;
}
