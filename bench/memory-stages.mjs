// bench:memory's child: the box's parts started one at a time in one process, printing the
// process's RSS after each (one JSON line a stage). RSS is per process, not per thread: a
// part's share is the growth its start causes, measured once it has settled. Plain
// JavaScript over dist/ so that no TypeScript loader is in the process being measured.
// usage: node bench/memory-stages.mjs MODEL_DIR [SECOND_MODEL_DIR]
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const [modelDir, secondDir] = process.argv.slice(2);
const status = () => readFileSync('/proc/self/status', 'utf8');
const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? 0);
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 150));
  }
};
const stage = async (name, extra = {}) => {
  await settle();
  process.stdout.write(
    `${JSON.stringify({ stage: name, rssKb: kb('VmRSS'), threads: kb('Threads'), mainHeapUsed: getHeapStatistics().used_heap_size, ...extra })}\n`,
  );
};

await stage('bare node');
const [{ loadConfig }, { createLogger }] = await Promise.all([
  import('../dist/system/config.js'),
  import('../dist/system/log.js'),
  import('../dist/system/hardware.js'),
]);
createLogger(loadConfig(undefined).config.log.level, false);
await stage('CLI modules (config, log, hardware)');
await Promise.all([import('../dist/cli/box.js'), import('../dist/cli/surfaces.js')]);
await stage('box modules (assembly, engine, surfaces)');
const { ClockOutputThread } = await import('../dist/clock/clock-output-thread.js');
const din = new ClockOutputThread({});
await din.ready();
await stage('clock/DIN output thread');
const usb = new ClockOutputThread({});
await usb.ready();
await stage('USB output thread');
const { startWorker } = await import('../dist/system/start-worker.js');
const lister = startWorker(
  new URL('../dist/devices/alsa-backend.js', import.meta.url).href,
  './alsa-port-lister.worker',
  { workerData: { pollMs: 1000 } },
);
const listed = await new Promise((resolve) => {
  lister.once('message', () => resolve('ok'));
  lister.once('error', (e) => resolve(`failed: ${e.message}`));
  lister.once('exit', () => resolve('exited'));
  setTimeout(() => resolve('ok'), 1500);
});
await stage('port lister', { lister: listed });
const { WorkerGenerator, generatorWorkerMemory } = await import('../dist/voices/generator-worker-client.js');
await WorkerGenerator.start('first', { kind: 'dir', dir: modelDir });
await new Promise((r) => setTimeout(r, 1000));
await stage('model worker with one model', { worker: await generatorWorkerMemory() });
if (secondDir) {
  await WorkerGenerator.start('second', { kind: 'dir', dir: secondDir });
  await new Promise((r) => setTimeout(r, 1000));
  await stage('second model (same worker)', { worker: await generatorWorkerMemory() });
}
process.exit(0);
