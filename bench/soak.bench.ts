/**
 * Soak: the assembled box (the same Box as `npm start`, on simulated devices) runs 24
 * simulated hours in loop mode on virtual time, with the pad unplugged and plugged again
 * every few minutes and a call played after each return. Prints RSS and heap at the start
 * (after warm-up) and the end, stuck notes, the clock's tick drift against the ideal grid,
 * exchanges, slips and the wall time it took.
 *
 *   npm run bench:soak [-- --hours 24 --replug-min 3]
 *
 * Goals: RSS and heap flat within ±5% after warm-up (the trend fitted through a sample every
 * 10 simulated minutes; memory-trend.ts says why not two single readings); 0 stuck notes;
 * 0 tick drift.
 */
import { parseArgs } from 'node:util';
import { startSimBox } from '../test/support/sim-box.js';
import { SIM_DRUM_PAD } from '../test/support/sim-devices.js';
import { rmSync, writeFileSync } from 'node:fs';
import { mappingTrends, memoryTrend, sampleMemory, type MemorySample } from './memory-trend.js';

const { values } = parseArgs({
  options: {
    hours: { type: 'string', default: '24' },
    'replug-min': { type: 'string', default: '3' },
    /** Write every memory sample (with its per-mapping breakdown) to this JSON file. */
    'samples-out': { type: 'string' },
  },
});
const HOURS = Number(values.hours);
const REPLUG_MS = Number(values['replug-min']) * 60_000;
const TEMPO = 120;
const TICK_MS = 60_000 / TEMPO / 24;
const MODULE = {
  clientName: 'Sound Module',
  outputs: ['Sound Module In'],
  usb: { vendorId: 0x4444, productId: 1, serial: 'M', busPath: '1-3' },
} as const;

const SAMPLE_MS = 10 * 60_000;
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const wallStart = performance.now();
  const sim = await startSimBox({
    logLevel: 'warn',
    keepEvents: false,
    config: {
      perform: { tempo_bpm: TEMPO, mode: 'loop', seed: 11, voices: [{ name: 'A' }, { name: 'B', channel: 11 }] },
      devices: {
        roles: [
          { match: 'Sound Module', roles: ['response', 'clock-out'] },
          { match: 'Drum Pad', roles: ['human'] },
        ],
      },
    },
  });
  const module = sim.plug(MODULE);
  // Sounding notes per channel/note on the module; each clock tick against the ideal 24 PPQN
  // grid anchored at the first tick after warm-up (measured as they come: nothing accumulates).
  const sounding = new Map<string, number>();
  let noteOns = 0;
  const window = { startMs: Infinity, endMs: -Infinity };
  let firstTick: number | undefined;
  let ticks = 0;
  let maxDrift = 0;
  sim.backend.onSend(`${module}:0:output`, (bytes, atMs) => {
    const [status = 0, note = 0, velocity = 0] = bytes;
    if (status === 0xf8 && atMs >= window.startMs && atMs <= window.endMs) {
      firstTick ??= atMs;
      maxDrift = Math.max(maxDrift, Math.abs(atMs - (firstTick + ticks * TICK_MS)));
      ticks++;
    }
    const kind = status & 0xf0;
    const key = `${status & 0x0f}/${note}`;
    if (kind === 0x90 && velocity > 0) {
      noteOns++;
      sounding.set(key, (sounding.get(key) ?? 0) + 1);
    } else if (kind === 0x80 || kind === 0x90) sounding.delete(key);
    else if (kind === 0xb0 && (note === 123 || note === 120))
      for (const k of [...sounding.keys()]) if (k.startsWith(`${status & 0x0f}/`)) sounding.delete(k);
  });
  const view = sim.box.clock.timeline;
  const barMs = (4 * 60_000) / TEMPO;
  const playCall = async (client: number): Promise<void> => {
    const barTicks = view.stepsPerBar * 6;
    const next = view.timeOfTick(
      ((Math.floor(view.tickAt(sim.clock.nowMs() as never) / barTicks) + 1) * barTicks) as never,
    );
    await sim.run(next - sim.clock.nowMs(), 50);
    for (let step = 0; step < 16; step++) {
      const notes = [42, ...(step % 8 === 0 ? [36] : []), ...(step % 8 === 4 ? [38] : [])];
      for (const n of notes) sim.backend.feed(`${client}:0:input`, [0x99, n, 96]);
      await sim.run(barMs / 32, 5);
      for (const n of notes) sim.backend.feed(`${client}:0:input`, [0x89, n, 0]);
      await sim.run(barMs / 32, 5);
    }
  };
  let pad = sim.plug(SIM_DRUM_PAD);
  await sim.run(500);
  await playCall(pad);
  // Warm-up: ten minutes of loop, then the baseline.
  for (let i = 0; i < 60; i++) {
    await sim.run(10_000, 50);
    sim.backend.drain(`${module}:0:output`);
    sim.backend.drain(`${pad}:0:output`);
  }
  const startMs = sim.clock.nowMs();
  const endMs = startMs + HOURS * 3600_000;
  Object.assign(window, { startMs, endMs });
  let replugs = 0;
  let lastReport = performance.now();
  const samples: MemorySample[] = [];
  const hoursIn = (): number => (sim.clock.nowMs() - startMs) / 3600_000;
  samples.push(sampleMemory(0));
  // The simulator keeps what each port received until drained: drain it, so only the box's memory is measured.
  const drain = (): void => {
    sim.backend.drain(`${module}:0:output`);
    sim.backend.drain(`${pad}:0:output`);
  };
  while (sim.clock.nowMs() < endMs) {
    for (let left = Math.min(REPLUG_MS, endMs - sim.clock.nowMs()); left > 0; left -= 10_000) {
      await sim.run(Math.min(10_000, left), 50);
      drain();
      if (sim.clock.nowMs() - startMs >= samples.length * SAMPLE_MS) samples.push(sampleMemory(hoursIn()));
    }
    if (sim.clock.nowMs() >= endMs) break;
    sim.unplug(pad);
    await sim.run(30_000, 50);
    pad = sim.plug(SIM_DRUM_PAD);
    await sim.run(500);
    await playCall(pad);
    replugs++;
    const latest = samples.at(-1);
    if (latest && performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      process.stderr.write(
        `soak: ${hoursIn().toFixed(2)} h simulated, rss ${mb(latest.rss)} MB, heap ${mb(latest.heap)} MB\n`,
      );
    }
  }
  // The last replug's traffic is still in the simulator's port buffers: not the box's memory.
  drain();
  samples.push(sampleMemory(hoursIn()));
  const trend = memoryTrend(samples);
  const snapshot = sim.box.snapshot();
  await sim.box.stop();
  await sim.run(100);
  // A day of recordings (thousands of files): not left behind in the temp folder.
  rmSync(sim.dataDir, { recursive: true, force: true });
  const stuck = [...sounding.values()].reduce((a, b) => a + b, 0);
  const wallS = (performance.now() - wallStart) / 1000;
  const pct = (fraction: number): string => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
  console.log(
    `soak: ${HOURS} h simulated in loop mode (2 voices, shipped model inline), pad replugged ${replugs} times, ${wallS.toFixed(0)} s wall (${((HOURS * 3600) / wallS).toFixed(0)}x real time)`,
  );
  const { first, last, mean, fittedChange, rssRange } = trend;
  console.log(
    `  memory (${samples.length} samples after a full GC, every 10 simulated minutes after warm-up): rss mean ${mb(mean.rss)} MB, range ${mb(rssRange.min)}-${mb(rssRange.max)} MB, fitted trend over the run ${pct(fittedChange.rss)}; heap mean ${mb(mean.heap)} MB, trend ${pct(fittedChange.heap)}  [goal: within ±5%]`,
  );
  for (const k of mappingTrends(samples))
    console.log(
      `    ${k.kind.padEnd(9)} mean ${mb(k.mean).padStart(6)} MB, range ${mb(k.min)}-${mb(k.max)} MB, fitted rise ${k.fittedRise >= 0 ? '+' : ''}${mb(k.fittedRise)} MB`,
    );
  if (values['samples-out']) writeFileSync(values['samples-out'], JSON.stringify(samples));
  console.log(
    `  single readings: after warm-up rss ${mb(first.rss)} MB, heap ${mb(first.heap)} MB; at the end rss ${mb(last.rss)} MB (${pct(last.rss / first.rss - 1)}), heap ${mb(last.heap)} MB (${pct(last.heap / first.heap - 1)})`,
  );
  console.log(`  stuck notes: ${stuck} of ${noteOns} note-ons  [goal: 0]`);
  console.log(`  clock: ${ticks} ticks, max drift from the ideal grid ${maxDrift.toFixed(6)} ms  [goal: 0]`);
  console.log(
    `  exchanges ${snapshot.stats.exchanges}, slips ${snapshot.slips}, loop regenerations ${snapshot.stats.loopRegenerations}, reseeds ${snapshot.stats.loopReseeds}, problems ${snapshot.problems.length}`,
  );
  const ok =
    stuck === 0 && maxDrift < 1e-6 && Math.abs(fittedChange.heap) <= 0.05 && Math.abs(fittedChange.rss) <= 0.05;
  console.log(`soak: ${ok ? 'all goals met' : 'GOALS MISSED'}`);
  process.exitCode = ok ? 0 : 1;
}

void main();
