/**
 * Worker-thread clock for the bench: sleeps with Atomics.wait (a futex, no event loop) to
 * `spinMs` before each tick, spins to the deadline, and writes F8 straight to the fd, so
 * nothing on the main thread can delay it.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { raiseThreadToRealtime } from '../src/clock/realtime-thread.js';
import { measurePerformanceOffsetMs } from '../src/clock/time-source.js';

interface Job {
  readonly fd: number;
  readonly periodMs: number;
  readonly ticks: number;
  readonly spinMs: number;
  readonly realtime: boolean;
}
const job = workerData as Job;
if (job.realtime) {
  const raised = raiseThreadToRealtime(50);
  if (!raised.ok) console.error(`clock worker stays at normal priority: ${raised.reason}`);
}
// Start only when the main thread says when: worker start-up (tsx, JIT) must not eat ticks.
parentPort?.postMessage('ready');
const t0 = await new Promise<number>((resolve) => parentPort?.once('message', resolve));
const offset = measurePerformanceOffsetMs();
const nowMs = (): number => performance.now() + offset;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const tick = Uint8Array.of(0xf8);
const sent = new Float64Array(job.ticks);
for (let n = 0; n < job.ticks; n++) {
  const deadline = t0 + n * job.periodMs;
  const coarse = deadline - nowMs() - job.spinMs;
  if (coarse > 0) Atomics.wait(sleeper, 0, 0, coarse);
  while (nowMs() < deadline) {
    // spin the last stretch
  }
  sent[n] = nowMs();
  writeSync(job.fd, tick);
}
parentPort?.postMessage(sent);
