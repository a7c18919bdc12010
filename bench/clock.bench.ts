/**
 * npm run bench:clock — master clock output timing and follower lock, measured.
 * Env: CLOCK_BENCH_TICKS (default 2000), CLOCK_BENCH_STRATEGIES (comma list, default all).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { raiseThreadToRealtime } from '../src/clock/realtime-thread.js';
import { NodeSerialPortOpener } from '../src/devices/serial/node-serial-port.js';
import { bpm, msPerTick } from '../src/clock/units.js';
import {
  absoluteSetTimeout,
  immediatePolling,
  naiveSetInterval,
  productClockThread,
  productMasterClock,
  workerThreadClock,
  type Strategy,
  type StrategyJob,
  type StrategyRun,
} from './clock-strategies.js';
import { runFollowerBench } from './follower-bench.js';
import { startPlatformFloor } from './platform-floor.js';
import { openPtySink } from './pty-sink.js';
import { startGeneration } from './clock-generation-load.js';
import { formatRow, tableHeader, timingStats } from './timing-stats.js';

const TEMPO = 174;
const TICKS = Number(process.env.CLOCK_BENCH_TICKS ?? 2000);
/** CLOCK_BENCH_RT=1: the thread that sends ticks runs SCHED_FIFO 50, as on the box. */
const REALTIME = process.env.CLOCK_BENCH_RT === '1';

interface Variant {
  readonly name: string;
  readonly strategy: Strategy;
  /** Send through the serialport package's (async) write instead of writeSync(fd). */
  readonly viaSerialport?: boolean;
}

const variants: Variant[] = [
  { name: 'reference: setInterval', strategy: naiveSetInterval },
  { name: 'setTimeout to absolute deadline', strategy: absoluteSetTimeout },
  { name: 'product: Scheduler+SpinWakeup 2ms', strategy: productMasterClock(2) },
  { name: 'product, via serialport.write', strategy: productMasterClock(2), viaSerialport: true },
  { name: 'setImmediate polling', strategy: immediatePolling },
  { name: 'worker: Atomics.wait + spin 1ms', strategy: workerThreadClock(1) },
  { name: 'product: ClockOutputThread grid', strategy: productClockThread(0, 1) },
  { name: 'ClockOutputThread, spin 1ms', strategy: productClockThread(1, 1) },
];

/** A thread's own histogram: "write" = when the write call returned (includes the write). */
function summaryRow(name: string, s: StrategyRun['summary']): string {
  const f = (v: number | undefined): string => (v ?? NaN).toFixed(3).padStart(8);
  return `${name.padEnd(44)} ${String(s?.count ?? 0).padStart(5)} ${f(s?.p50)} ${f(s?.p99)} ${f(s?.max)}   (10 us bins; ${s?.over1ms ?? '?'} over 1 ms)`;
}

/** CPU time split from /proc/stat, to show how contended the machine was during a run. */
function cpuTimes(): number[] {
  return (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
}

function contention(before: number[], after: number[]): string {
  const d = after.map((v, i) => v - (before[i] ?? 0));
  const total = d.reduce((a, b) => a + b, 0) || 1;
  const idle = (d[3] ?? 0) + (d[4] ?? 0);
  return `machine busy ${(100 * (1 - idle / total)).toFixed(0)}%, steal ${((100 * (d[7] ?? 0)) / total).toFixed(1)}%, load ${loadavg()[0]?.toFixed(1) ?? '?'}`;
}

async function measure(variant: Variant, generating: boolean): Promise<string[]> {
  const cpuBefore = cpuTimes();
  const sink = await openPtySink(REALTIME);
  const link = variant.viaSerialport
    ? await new NodeSerialPortOpener().open({ path: sink.path, baudRate: 31250 })
    : undefined;
  const job: StrategyJob = {
    fd: sink.fd,
    periodMs: msPerTick(bpm(TEMPO)),
    ticks: TICKS,
    realtime: REALTIME,
    ...(link ? { write: (b: Uint8Array) => void link.write(b) } : {}),
  };
  const load = generating ? startGeneration() : undefined;
  const ownThread = 'ownThread' in variant.strategy;
  const floor = REALTIME ? startPlatformFloor(job.periodMs, TICKS) : undefined;
  const raised = REALTIME && !ownThread ? raiseThreadToRealtime(50) : undefined;
  if (raised && !raised.ok) console.log(`  (main thread stays at normal priority: ${raised.reason})`);
  const run = await variant.strategy(job);
  if (raised?.ok) spawnSync('chrt', ['-o', '-p', '0', String(raised.tid)]);
  const work = await load?.stop();
  await link?.close();
  const arrived = await sink.finish();
  const label = `${variant.name} ${generating ? '[gen]' : '[idle]'}`;
  const rows =
    run.sent.length > 0
      ? [formatRow(`${label} send`, timingStats(run.due, run.sent))]
      : [summaryRow(`${label} write`, run.summary)];
  rows.push(
    arrived.length === run.due.length
      ? formatRow(`${label} pty`, timingStats(run.due, arrived))
      : `${label} pty: ${arrived.length} bytes for ${run.due.length} ticks`,
  );
  const during = contention(cpuBefore, cpuTimes());
  const floorRow = await floor?.finish();
  if (floorRow) rows.push(`  (${floorRow})`);
  rows.push(
    work
      ? `  (generation alongside: ${work.steps} steps, ${work.msPerStep.toFixed(2)} ms/step; ${during})`
      : `  (${during})`,
  );
  return rows;
}

async function main(): Promise<void> {
  const wanted = process.env.CLOCK_BENCH_STRATEGIES?.split(',');
  console.log(
    `bench:clock — ${TICKS} ticks at ${TEMPO} BPM (${msPerTick(bpm(TEMPO)).toFixed(3)} ms/tick); node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${REALTIME ? 'tick thread SCHED_FIFO 50' : 'normal priority'}`,
  );
  console.log(
    'error = time out minus time due; "send" = at the send call, "pty" = arrival at the pty master (CLOCK_MONOTONIC, other process)',
  );
  console.log(tableHeader);
  for (const variant of variants.filter((_, i) => !wanted || wanted.includes(String(i)))) {
    for (const generating of [false, true]) for (const row of await measure(variant, generating)) console.log(row);
  }
  console.log('');
  runFollowerBench();
}

await main();
