/**
 * bench:memory — the box's memory, as `npm start` assembles it.
 *
 * 1. Whole box: `node dist/cli/main.js start` (no devices: this host has no ALSA, so the
 *    MIDI backend is the empty stand-in and the DIN UART is missing), and the same runBox
 *    with simulated devices (bench/memory-sim-box.mjs: a USB pad playing calls, a DIN UART
 *    on a simulated serial bus). One and two voices (two voices: two distinct models, the
 *    worst case), the shipped model and a drum_kit_rnn-sized one (3x256 + attention, seeded
 *    weights, uint8 like a shipped checkpoint). Peak RSS sampled from /proc, and the
 *    box's own 'memory' line at stop: each isolate's heap as V8 reports it inside it.
 * 2. Components: RSS is per process, not per thread, so each part's share is the growth its
 *    start causes when the parts are started one at a time (bench/memory-stages.mjs).
 *
 * Goals (issue 16): two voices of the shipped model <= 120 MB RSS, two drum_kit_rnn-sized
 * <= 150 MB. Ratios printed are peak / goal. Needs `npm run build` (the npm script runs it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomCheckpoint } from '../src/model/checkpoint/random-checkpoint.js';
import { serializeCheckpoint } from '../src/model/checkpoint/writer.js';
import { boxNodeFlags } from './box-node-flags.js';

const ROOT = new URL('../', import.meta.url).pathname;
const SHIPPED = join(ROOT, 'models/gmd-drums');
const RUN_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 10);
const work = mkdtempSync(join(tmpdir(), 'antiphon-memory-'));
/** The service's node flags (its ExecStart): the box measured as it runs. */
const FLAGS = boxNodeFlags();

function writeModel(name: string, seed: number): string {
  const dir = join(work, name);
  mkdirSync(dir);
  const files = serializeCheckpoint(
    randomCheckpoint({ layerUnits: [256, 256, 256], attentionLength: 32, kind: 'drums', seed, gain: 1 }),
    { dtype: 'uint8' },
  );
  for (const [file, bytes] of files) writeFileSync(join(dir, file), bytes);
  return dir;
}

function writeConfig(name: string, models: readonly string[]): string {
  const voices = models
    .map((m, i) => `[[perform.voices]]\nname = "${String.fromCharCode(65 + i)}"\nmodel = "${m}"\nchannel = ${10 + i}\n`)
    .join('');
  const file = join(work, `${name}.toml`);
  // `models` lists exactly the voices' models: the box loads every model the knob can select.
  writeFileSync(
    file,
    `[data]\ndir = "${join(work, 'data')}"\n[perform]\nmode = "chain"\nseed = 3\nmodels = ${JSON.stringify(models)}\n${voices}[din]\ndevice = "/dev/sim-uart"\n`,
  );
  return file;
}

interface BoxRun {
  readonly peakRssMb: number;
  readonly threads: number;
  readonly memory: Record<string, unknown> | undefined;
  readonly exchanges: number | undefined;
}

/** Runs the box for RUN_SECONDS, sampling its RSS and thread count from /proc every 50 ms. */
async function runBox(args: readonly string[]): Promise<BoxRun> {
  const child = spawn(process.execPath, [...FLAGS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let peak = 0;
  let threads = 0;
  const timer = setInterval(() => {
    try {
      const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0));
      threads = Math.max(threads, Number(/Threads:\s+(\d+)/.exec(s)?.[1] ?? 0));
    } catch {
      // Gone between samples: the last one stands.
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  if (code !== 0 || !lines.some((l) => l.msg === 'antiphon started'))
    throw new Error(`box exited ${code} without starting:\n${out.slice(-2000)}`);
  const memory = lines.filter((l) => l.msg === 'memory').at(-1);
  const stopped = lines.find((l) => l.msg === 'antiphon stopped') as { stats?: { exchanges?: number } } | undefined;
  return { peakRssMb: peak / 1024, threads, memory, exchanges: stopped?.stats?.exchanges };
}

interface Stage {
  readonly stage: string;
  readonly rssKb: number;
  readonly threads: number;
  readonly lister?: string;
  readonly worker?: { readonly heapUsed: number; readonly wasm: number; readonly external: number };
}

async function stages(models: readonly string[]): Promise<Stage[]> {
  const child = spawn(process.execPath, [...FLAGS, '--expose-gc', 'bench/memory-stages.mjs', ...models], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Stage);
}

const fmt = (x: number): string => x.toFixed(1);
const mb = (bytes: number): string => fmt(bytes / 1048576);

const dkr = [writeModel('dkr-a', 3), writeModel('dkr-b', 4)];
const families = [
  { name: 'shipped', models: [SHIPPED, `${SHIPPED}/`], goalTwo: 120 },
  { name: 'drum_kit_rnn-sized', models: dkr, goalTwo: 150 },
] as const;

console.log(
  `memory bench: the box as npm start assembles it, ${RUN_SECONDS} s each, peak RSS from /proc (VmHWM); node ${[process.version, ...FLAGS].join(' ')}, ${process.arch}`,
);
try {
  for (const family of families) {
    for (const voices of [1, 2]) {
      const config = writeConfig(`${family.name}-${voices}`, family.models.slice(0, voices));
      for (const devices of ['none', 'simulated'] as const) {
        const args =
          devices === 'none'
            ? ['dist/cli/main.js', 'start', '--config', config, '--run-for', String(RUN_SECONDS), '--log', 'json']
            : ['bench/memory-sim-box.mjs', config, String(RUN_SECONDS)];
        const r = await runBox(args);
        const m = r.memory as
          | {
              rssMb?: number;
              mainHeapMb?: { used: number; total: number };
              modelWorkerHeapMb?: { used: number; total: number; external: number; wasmReserved: number };
            }
          | undefined;
        const goal =
          voices === 2 ? ` goal ${family.goalTwo} MB ratio ${(r.peakRssMb / family.goalTwo).toFixed(2)}` : '';
        console.log(
          `  ${family.name.padEnd(18)} ${voices} voice${voices > 1 ? 's' : ' '} devices ${devices.padEnd(9)} peak RSS ${fmt(r.peakRssMb).padStart(6)} MB  at stop ${fmt(m?.rssMb ?? 0)} MB  threads ${r.threads}` +
            `  heap main ${m?.mainHeapMb?.used ?? '?'}/${m?.mainHeapMb?.total ?? '?'} MB  model worker ${m?.modelWorkerHeapMb?.used ?? '?'}/${m?.modelWorkerHeapMb?.total ?? '?'} MB` +
            `  (external ${m?.modelWorkerHeapMb?.external ?? '?'} MB, wasm reserved ${m?.modelWorkerHeapMb?.wasmReserved ?? '?'} MB)  exchanges ${r.exchanges ?? '?'}${goal}`,
        );
      }
    }
  }
  console.log(
    'components: RSS growth as each part starts, one at a time, in one process (RSS cannot be split per thread)',
  );
  for (const family of families) {
    const s = await stages(family.models.length > 1 ? [family.models[0] ?? '', family.models[1] ?? ''] : []);
    console.log(`  ${family.name}:`);
    let before = 0;
    for (const st of s) {
      const delta = before === 0 ? st.rssKb : st.rssKb - before;
      const worker = st.worker
        ? `  (worker heap ${mb(st.worker.heapUsed)} MB, external ${mb(st.worker.external)} MB, wasm reserved ${mb(st.worker.wasm)} MB)`
        : '';
      const lister =
        st.lister && st.lister !== 'ok'
          ? `  (lister ${st.lister}: no ALSA on this host, its addon could not open the sequencer)`
          : '';
      console.log(
        `    ${st.stage.padEnd(44)} ${before === 0 ? '=' : '+'}${fmt(delta / 1024).padStart(5)} MB  total ${fmt(st.rssKb / 1024).padStart(6)} MB  threads ${st.threads}${worker}${lister}`,
      );
      before = st.rssKb;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
