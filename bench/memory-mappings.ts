/**
 * Where the process's resident memory sits, by kind of mapping, so a soak can say WHICH
 * memory moves rather than only that RSS did. Linux only (reads /proc/self/smaps).
 *
 * Kinds:
 * - `file`: mapped files (node's own text, shared libraries, ICU data);
 * - `brk`: the `[heap]` segment, malloc's main arena;
 * - `arenas`: malloc's per-thread arenas (anonymous heaps glibc aligns to 64 MiB);
 * - `v8`: the V8 heaps' committed pages of this isolate (from V8, not from smaps);
 * - `otherAnon`: the rest of anonymous memory (other isolates' heaps, large mallocs, thread
 *   stacks, JIT code): anonymous RSS outside `[heap]` and the arenas, less `v8`.
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

export const MAPPING_KINDS = ['file', 'brk', 'arenas', 'v8', 'otherAnon'] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];
export type MappingBreakdown = Record<MappingKind, number> & {
  /** `process.memoryUsage().external` (buffers and other memory held outside the JS heap). */
  readonly external: number;
  /** What V8 itself has malloc'd (compiler zones, tables): part of `brk` and `arenas`. */
  readonly v8Malloced: number;
  /** Threads in the process (a worker that outlives its use shows here). */
  readonly threads: number;
};

const ARENA_ALIGN = 64 * 1024 * 1024;
const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/;

/** Sums RSS (bytes) per kind from the text of /proc/<pid>/smaps; `v8Physical` is taken out of the anonymous rest. */
export function breakdownFromSmaps(
  smaps: string,
  v8Physical: number,
): Omit<MappingBreakdown, 'external' | 'threads' | 'v8Malloced'> {
  const sums = { file: 0, brk: 0, arenas: 0, anon: 0 };
  let kind: keyof typeof sums = 'anon';
  for (const line of smaps.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      const [, start = '0', , perms = '', path = ''] = header;
      if (path.startsWith('/')) kind = 'file';
      else if (path === '[heap]') kind = 'brk';
      // A thread arena: read-write, anonymous, starting on a 64 MiB boundary.
      else if (path === '' && perms.startsWith('rw') && Number(BigInt(`0x${start}`) % BigInt(ARENA_ALIGN)) === 0)
        kind = 'arenas';
      else kind = 'anon';
      continue;
    }
    if (line.startsWith('Rss:')) sums[kind] += Number(line.slice(4).trim().split(/\s+/)[0]) * 1024;
  }
  return {
    file: sums.file,
    brk: sums.brk,
    arenas: sums.arenas,
    v8: v8Physical,
    otherAnon: Math.max(0, sums.anon - v8Physical),
  };
}

/** The breakdown now (call after a full GC, as the soak's samples are). */
export function sampleMappings(): MappingBreakdown {
  const smaps = readFileSync('/proc/self/smaps', 'utf8');
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  const v8 = getHeapStatistics();
  return {
    ...breakdownFromSmaps(smaps, v8.total_physical_size),
    external: process.memoryUsage().external,
    v8Malloced: v8.malloced_memory,
    threads,
  };
}
