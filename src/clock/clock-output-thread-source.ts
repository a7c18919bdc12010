/**
 * Source of the clock output thread, run with `new Worker(source, { eval: true })`: a string,
 * so the same code runs from tsx, vitest and the compiled build without a loader or a
 * separate .js asset. Plain CommonJS; it may only use Node built-ins.
 *
 * Loop: drain the message port (receiveMessageOnPort never blocks), sleep in Atomics.wait
 * until `spinMs` before the earliest entry or until the main thread signals new work, spin
 * to the deadline, write the bytes with writeSync, repeat. No event loop, no allocation on
 * the hot path.
 */
export const CLOCK_OUTPUT_THREAD_SOURCE = String.raw`
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { writeSync, readlinkSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const signal = new Int32Array(workerData.signal);
const port = workerData.port;
const spinMs = workerData.spinMs;
// performance.now() plus this thread's offset to CLOCK_MONOTONIC: no BigInt per call, so
// the spin makes no garbage.
const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const now = () => performance.now() + offset;
if (workerData.realtime) {
  let detail = '';
  let ok = false;
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').pop();
    const r = spawnSync('chrt', ['-f', '-p', String(workerData.priority), tid], { encoding: 'utf8' });
    ok = r.status === 0;
    detail = r.error ? String(r.error.message) : String(r.stderr || '').trim();
  } catch (e) {
    detail = String(e && e.message);
  }
  parentPort.postMessage({ kind: 'priority', ok, detail });
}
const queue = [];
// Tick generators by id: F8 to fd at anchorTime + (n - anchorTick) * period for n >= next.
const grids = new Map();
const F8 = new Uint8Array([0xf8]);
let seq = 0;
let sent = 0;
let maxLateMs = 0;
const before = (a, b) => a.at !== b.at ? a.at < b.at : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;
function insert(item) {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(queue[mid], item)) lo = mid + 1; else hi = mid;
  }
  queue.splice(lo, 0, item);
}
for (;;) {
  let m;
  let stop = false;
  while ((m = receiveMessageOnPort(port)) !== undefined) {
    const msg = m.message;
    if (msg.kind === 'send') insert({ at: msg.at, priority: msg.priority, seq: seq++, fd: msg.fd, bytes: msg.bytes, tag: msg.tag });
    else if (msg.kind === 'grid') grids.set(msg.id, { fd: msg.fd, anchorTick: msg.anchorTick, anchorTime: msg.anchorTime, period: msg.period, next: msg.from });
    else if (msg.kind === 'grid-stop') grids.delete(msg.id);
    else if (msg.kind === 'cancel') {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i].tag === msg.tag && queue[i].at >= msg.from) queue.splice(i, 1);
    } else if (msg.kind === 'stats') parentPort.postMessage({ kind: 'stats', sent, maxLateMs, pending: queue.length });
    else if (msg.kind === 'stop') stop = true;
  }
  if (stop) break;
  const seen = Atomics.load(signal, 0);
  // The earliest thing due: a generated tick (priority 1) or the queue's head.
  let grid = undefined;
  let gridAt = Infinity;
  for (const g of grids.values()) {
    const at = g.anchorTime + (g.next - g.anchorTick) * g.period;
    if (at < gridAt) { gridAt = at; grid = g; }
  }
  const head = queue[0];
  const headFirst = head !== undefined && (head.at < gridAt || (head.at === gridAt && head.priority < 1));
  const dueAt = headFirst ? head.at : gridAt;
  if (dueAt === Infinity) {
    Atomics.wait(signal, 0, seen);
    continue;
  }
  const wait = dueAt - now() - spinMs;
  if (wait > 0) {
    Atomics.wait(signal, 0, seen, wait);
    continue;
  }
  while (now() < dueAt) {}
  let fd, bytes;
  if (headFirst) {
    queue.shift();
    fd = head.fd;
    bytes = head.bytes;
  } else {
    grid.next++;
    fd = grid.fd;
    bytes = F8;
  }
  const late = now() - dueAt;
  try {
    writeSync(fd, bytes);
    sent++;
    if (late > maxLateMs) maxLateMs = late;
  } catch (e) {
    if (!headFirst) for (const [id, g] of grids) if (g === grid) grids.delete(id);
    parentPort.postMessage({ kind: 'error', fd, code: String((e && e.code) || e) });
  }
}
parentPort.postMessage({ kind: 'stopped' });
`;
