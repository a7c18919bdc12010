import { spawn, spawnSync } from 'node:child_process';

/**
 * The machine's own wake-up floor, measured alongside a run: cyclictest (rt-tests, C,
 * SCHED_FIFO 50, clock_nanosleep to absolute deadlines at the tick period). No JavaScript
 * thread can wake more punctually than this on the same machine at the same moment.
 */
export interface PlatformFloor {
  finish(): Promise<string>;
}

export function startPlatformFloor(periodMs: number, ticks: number): PlatformFloor | undefined {
  if (spawnSync('cyclictest', ['--help']).error) return undefined;
  const child = spawn('cyclictest', ['-m', '-p50', `-i${Math.round(periodMs * 1000)}`, `-l${ticks}`, '-q', '-h20000'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    finish: async () => {
      await done;
      return summarise(text);
    },
  };
}

/** cyclictest -h prints "usec count" lines and "# Max Latencies"; p50/p99 come from the histogram. */
function summarise(text: string): string {
  const counts: [number, number][] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\d+)/.exec(line);
    if (m) counts.push([Number(m[1]), Number(m[2])]);
  }
  const total = counts.reduce((a, [, c]) => a + c, 0);
  const at = (q: number): number => {
    let seen = 0;
    for (const [us, c] of counts) if ((seen += c) >= q * total) return us / 1000;
    return NaN;
  };
  const overflows = Number(/# Histogram Overflows:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const highest = counts.filter(([, c]) => c > 0).reduce((a, [us]) => Math.max(a, us), NaN);
  const max = Number(/# Max Latencies:\s+(\d+)/.exec(text)?.[1] ?? highest) / 1000;
  const over = counts.filter(([us]) => us >= 1000).reduce((a, [, c]) => a + c, 0) + overflows;
  return `platform floor, same window: cyclictest (C, SCHED_FIFO 50) ${total} wakeups: p50 ${at(0.5).toFixed(3)} p99 ${at(0.99).toFixed(3)} max ${Number.isNaN(max) ? '?' : max.toFixed(3)} ms; ${over} over 1 ms`;
}
