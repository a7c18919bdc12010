/**
 * bench:startup — time from process start to READY for `antiphon start` (the box as
 * `npm start` assembles it, from dist/), with the shipped model, two voices, no devices.
 * READY is the 'antiphon started' line (sd_notify READY=1 follows it at once), seen here
 * as the moment the line arrives, from the moment the process was spawned.
 *
 * Phases: the box's own 'startup' line (process start to runBox, assembly, and each step
 * of Box.start), the model's 'model loaded' line (worker start, read) and 'model warm' line (packing, after READY), and
 * bench/startup-stages.mjs for what comes before runBox (node, modules, config, hardware).
 * Reference in the same run: a bare `node -e 0`, so a loaded machine shows as a ratio.
 * Goal (issue 16): <= 500 ms on the host. Needs `npm run build` (the npm script runs it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxNodeFlags } from './box-node-flags.js';

const ROOT = new URL('../', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const GOAL_MS = 500;
const work = mkdtempSync(join(tmpdir(), 'antiphon-startup-'));
/** The service's node flags (its ExecStart): the box timed as it runs. */
const FLAGS = boxNodeFlags();
const config = join(work, 'two.toml');
writeFileSync(
  config,
  `[data]\ndir = "${join(work, 'data')}"\n[perform]\nmode = "chain"\nseed = 3\n[[perform.voices]]\nname = "A"\n[[perform.voices]]\nname = "B"\nchannel = 11\n[din]\ndevice = "/dev/sim-uart"\n`,
);

type Line = Record<string, unknown>;

/**
 * CPU time (user + system, every thread) a process has used so far, in ms: less sensitive to
 * a loaded machine than wall time, which waits for a core.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Spawns `args`; resolves with the ms from spawn until `until` says a line is the one, the
 * process's CPU time then, and every JSON line.
 */
function timed(
  args: readonly string[],
  until: (l: Line) => boolean,
): Promise<{ ms: number; cpuMs: number; lines: Line[] }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: Line[] = [];
  let ms = NaN;
  let cpu = NaN;
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts.filter((x) => x.startsWith('{'))) {
      const line = JSON.parse(p) as Line;
      lines.push(line);
      if (Number.isNaN(ms) && until(line)) {
        ms = performance.now() - t0;
        cpu = cpuMs(child.pid);
      }
    }
  });
  return new Promise((resolve) =>
    child.on('exit', () => {
      if (Number.isNaN(ms)) ms = performance.now() - t0;
      resolve({ ms, cpuMs: cpu, lines });
    }),
  );
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const medianOf = (rows: readonly Record<string, number>[], key: string): number =>
  median(rows.map((r) => r[key] ?? NaN));
const f = (x: number): string => x.toFixed(0);

try {
  const bare: number[] = [];
  const ready: number[] = [];
  const readyCpu: number[] = [];
  const box: Record<string, number>[] = [];
  const threads: Record<string, number>[] = [];
  const model: Record<string, number>[] = [];
  const before: Record<string, number>[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push((await timed(['-e', '0'], () => false)).ms);
    const r = await timed(
      [...FLAGS, 'dist/cli/main.js', 'start', '--config', config, '--run-for', '0.5', '--log', 'json'],
      (l) => l.msg === 'antiphon started',
    );
    ready.push(r.ms);
    readyCpu.push(r.cpuMs);
    const startup = r.lines.find((l) => l.msg === 'startup') as
      | {
          readyMs: number;
          phases: Record<string, number>;
          outputThreadsEarly?: { startedAt: number; readyAt: Record<string, number> };
        }
      | undefined;
    if (startup) box.push({ readyMs: startup.readyMs, ...startup.phases });
    const early = startup?.outputThreadsEarly;
    if (early)
      threads.push({ startedAt: early.startedAt, readyAt: Math.max(...Object.values(early.readyAt), early.startedAt) });
    const loaded = r.lines.find((l) => l.msg === 'model loaded') as
      { loadMs: number; inWorkerMs?: { start: number; read: number } } | undefined;
    const warm = r.lines.find((l) => l.msg === 'model warm') as { packMs?: number } | undefined;
    if (loaded)
      model.push({
        loadMs: loaded.loadMs,
        workerStart: loaded.inWorkerMs?.start ?? NaN,
        read: loaded.inWorkerMs?.read ?? NaN,
        pack: warm?.packMs ?? NaN,
      });
    const s = await timed([...FLAGS, 'bench/startup-stages.mjs', config], () => false);
    const st = s.lines[0] as Record<string, number> | undefined;
    if (st)
      before.push({
        node: st.nodeBoot ?? NaN,
        cliModules: (st.cliModules ?? NaN) - (st.nodeBoot ?? NaN),
        config: (st.config ?? NaN) - (st.cliModules ?? NaN),
        hardware: (st.hardware ?? NaN) - (st.config ?? NaN),
        boxModules: (st.boxModules ?? NaN) - (st.hardware ?? NaN),
      });
  }
  const readyMs = median(ready);
  const bareMs = median(bare);
  console.log(
    `startup bench: antiphon start to READY ('antiphon started'), shipped model, two voices, no devices, node ${[process.version, ...FLAGS].join(' ')}; median of ${RUNS}; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${process.arch}`,
  );
  console.log(
    `  READY after spawn      ${f(readyMs).padStart(5)} ms   bare node -e 0 ${f(bareMs)} ms   ratio to bare node ${(readyMs / bareMs).toFixed(2)}   goal ${GOAL_MS} ms ratio ${(readyMs / GOAL_MS).toFixed(2)}`,
  );
  console.log(
    `  CPU to READY           ${f(median(readyCpu)).padStart(5)} ms   (user + system, all threads, at the READY line; /proc ticks of 10 ms)`,
  );
  console.log(`  in the box's clock     ${f(medianOf(box, 'readyMs')).padStart(5)} ms from process start to READY=1`);
  console.log(
    `  before runBox (separate runs of the same steps): node ${f(medianOf(before, 'node'))}, CLI modules ${f(medianOf(before, 'cliModules'))}, config ${f(medianOf(before, 'config'))}, hardware ${f(medianOf(before, 'hardware'))}, box modules ${f(medianOf(before, 'boxModules'))} ms`,
  );
  const phases = Object.keys(box[0] ?? {}).filter((k) => k !== 'readyMs');
  console.log(
    `  box phases: ${phases.map((k) => `${k} ${f(medianOf(box, k))}`).join(', ')} ms (start = outputThreads + devices + modelsAfterThat + clock + engine and notify; models load alongside outputThreads and devices; outputThreads is the wait for threads started with the CLI)`,
  );
  console.log(
    `  output threads (started with the CLI, in parallel): started at ${f(medianOf(threads, 'startedAt'))} ms, all in their loops at ${f(medianOf(threads, 'readyAt'))} ms from process start`,
  );
  console.log(
    `  model load (in parallel): ${f(medianOf(model, 'loadMs'))} ms from the box asking; the worker, started with the CLI, took ${f(medianOf(model, 'workerStart'))} to start, then read and checked the model in ${f(medianOf(model, 'read'))}; packing (${f(medianOf(model, 'pack'))}) and warm-up run after READY`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
