// npm run bench:model -- [MODEL_DIR]: per-step latency of a shipped model on each engine, in
// one run, with ratios against the plain-JS reference kernels (default models/gmd-drums).
import { cpus, loadavg } from 'node:os';
import { loadMusicRnn, type EngineKind } from '../src/model/music-rnn.js';

const dir = process.argv[2] ?? 'models/gmd-drums';
const STEPS = 2000;
const results: Record<string, number> = {};
for (const engine of ['reference', 'float32', 'int8'] as EngineKind[]) {
  const model = await loadMusicRnn(dir, { engine });
  const state = model.newState();
  const events = Array.from({ length: STEPS }, (_, t) => (t % 8 === 0 ? 5 : t % 8 === 4 ? 6 : t % 2 === 0 ? 4 : 0));
  for (let t = 0; t < 200; t++) model.feed(state, events[t] ?? 0); // warm up
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const cpu0 = process.cpuUsage();
    for (const e of events) model.feed(state, e);
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1000 / STEPS);
  }
  results[engine] = best;
}
const ref = results.reference ?? NaN;
console.log(
  `${dir}: CPU ms per step (best of 5 x ${STEPS} steps; ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]?.toFixed(1)})`,
);
for (const [engine, msPerStep] of Object.entries(results)) {
  console.log(`  ${engine.padEnd(10)} ${msPerStep.toFixed(4)} ms/step   x${(ref / msPerStep).toFixed(1)} vs reference`);
}
