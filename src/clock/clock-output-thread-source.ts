/**
 * Source of the clock output thread, run with `new Worker(source, { eval: true })`: a string,
 * so the same code runs from tsx, vitest and the compiled build without a loader or a
 * separate .js asset. Plain CommonJS; Node built-ins only, plus @julusian/midi (by the path
 * the main thread resolved) once an ALSA destination is opened.
 *
 * Deadline path: sleep in Atomics.wait until the earliest entry is due (or `spinMs` before
 * it, then spin), write, repeat. Nothing on that path allocates: the clock read allocates
 * (performance.now builds an hrtime array), and a young-generation GC inside the last stretch
 * waits on V8's helper threads, which run at normal priority on a loaded machine (measured:
 * 2 ms stalls). So a timed-out wait means "the deadline has passed": write first, read the
 * clock after. Messages are drained only when the next deadline is `drainGuardMs` away.
 *
 * Destinations: `dest >= 0` is a file descriptor (the DIN UART), written with writeSync;
 * `dest < 0` is an ALSA sequencer output the thread opened itself (open-alsa).
 */
export const CLOCK_OUTPUT_THREAD_SOURCE = String.raw`
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { writeSync, readlinkSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const signal = new Int32Array(workerData.signal);
const histogram = new Int32Array(workerData.histogram);
const BIN_MS = workerData.binMs;
const LAST_BIN = histogram.length - 1;
const port = workerData.port;
const spinMs = workerData.spinMs;
const drainGuardMs = workerData.drainGuardMs;
// performance.now() plus this thread's offset to CLOCK_MONOTONIC (what hrtimeClock reads),
// from the tightest of several brackets: one pair read in a fresh thread is off by the time
// the first performance.now() takes to load (0.5-0.9 ms here, 70 ms under emulation).
let offset = 0;
for (let i = 0, narrowest = Infinity; i < 50; i++) {
  const before = process.hrtime.bigint();
  const p = performance.now();
  const after = process.hrtime.bigint();
  if (Number(after - before) < narrowest) { narrowest = Number(after - before); offset = (Number(before) + Number(after)) / 2e6 - p; }
}
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
// Tick generators: F8 to dest at anchorTime + (n - anchorTick) * period for n >= next.
let grids = [];
const alsa = new Map();
let midi;
const F8 = new Uint8Array([0xf8]);
let seq = 0;
let sent = 0;
let early = 0;
let maxLateMs = 0;
let drained = 0;
let stop = false;
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
// Entries still queued move to their new time; ones already written are not sent again.
function move(ids, ats) {
  const to = new Map();
  for (let i = 0; i < ids.length; i++) to.set(ids[i], ats[i]);
  const moved = [];
  for (let i = queue.length - 1; i >= 0; i--) {
    const at = queue[i].id === undefined ? undefined : to.get(queue[i].id);
    if (at !== undefined) { moved.push(queue[i]); queue.splice(i, 1); }
  }
  for (let i = moved.length - 1; i >= 0; i--) { moved[i].at = to.get(moved[i].id); insert(moved[i]); }
}
function openAlsa(msg) {
  try {
    if (!midi) midi = require(workerData.midiModule);
    const out = new midi.Output();
    const count = out.getPortCount();
    let index = -1;
    for (let i = 0; i < count; i++) if (out.getPortName(i) === msg.name) index = i;
    if (index < 0) { out.destroy(); throw Object.assign(new Error('no such port'), { code: 'ENODEV' }); }
    out.openPort(index);
    alsa.set(msg.dest, out);
    parentPort.postMessage({ kind: 'opened', dest: msg.dest });
  } catch (e) {
    parentPort.postMessage({ kind: 'error', dest: msg.dest, code: String((e && e.code) || (e && e.message) || e) });
  }
}
function closeAlsa(dest) {
  const out = alsa.get(dest);
  alsa.delete(dest);
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].dest === dest) queue.splice(i, 1);
  if (out) try { out.closePort(); out.destroy(); } catch {}
}
function handle(msg) {
  // An entry "for now" (at 0) is due when it is taken in: after what was already due before it.
  if (msg.kind === 'send') insert({ at: msg.at > 0 ? msg.at : now(), immediate: msg.at <= 0, priority: msg.priority, seq: seq++, dest: msg.dest, bytes: msg.dest < 0 ? Buffer.from(msg.bytes) : msg.bytes, tag: msg.tag, id: msg.id });
  else if (msg.kind === 'move') move(msg.ids, msg.ats);
  else if (msg.kind === 'grid') {
    grids = grids.filter((g) => g.id !== msg.id);
    grids.push({ id: msg.id, dest: msg.dest, anchorTick: msg.anchorTick, anchorTime: msg.anchorTime, period: msg.period, next: msg.from });
  } else if (msg.kind === 'grid-stop') grids = grids.filter((g) => g.id !== msg.id);
  else if (msg.kind === 'cancel') {
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].tag === msg.tag && queue[i].at >= msg.from) queue.splice(i, 1);
  } else if (msg.kind === 'open-alsa') openAlsa(msg);
  else if (msg.kind === 'close-alsa') closeAlsa(msg.dest);
  else if (msg.kind === 'stats') parentPort.postMessage({ kind: 'stats', sent, maxLateMs, early, pending: queue.length });
  else if (msg.kind === 'stop') stop = true;
}
function drain() {
  let m;
  while ((m = receiveMessageOnPort(port)) !== undefined) handle(m.message);
}
// The earliest thing due: a generated tick (priority 1) or the queue's head.
let dueGrid = -1;
function nextDue() {
  let at = Infinity;
  dueGrid = -1;
  for (let i = 0; i < grids.length; i++) {
    const g = grids[i];
    const t = g.anchorTime + (g.next - g.anchorTick) * g.period;
    if (t < at) { at = t; dueGrid = i; }
  }
  const head = queue[0];
  if (head !== undefined && (head.at < at || (head.at === at && head.priority < 1))) { dueGrid = -1; return head.at; }
  return at;
}
function write(dest, bytes) {
  if (dest >= 0) { writeSync(dest, bytes); return; }
  const out = alsa.get(dest);
  if (out === undefined) throw Object.assign(new Error('closed'), { code: 'ECLOSED' });
  out.sendMessage(bytes);
}
function fire(dueAt) {
  let dest, bytes;
  let grid;
  let immediate = false;
  if (dueGrid < 0) {
    const head = queue.shift();
    dest = head.dest;
    bytes = head.bytes;
    immediate = head.immediate;
  } else {
    grid = grids[dueGrid];
    grid.next++;
    dest = grid.dest;
    bytes = F8;
  }
  try {
    write(dest, bytes);
  } catch (e) {
    if (grid !== undefined) grids = grids.filter((g) => g !== grid);
    if (dest < 0) closeAlsa(dest);
    parentPort.postMessage({ kind: 'error', dest, code: String((e && e.code) || e) });
    return;
  }
  sent++;
  // "Now" entries (a panic's note-offs) have no deadline to be late for.
  if (immediate) return;
  // Read the clock only now: its allocation (and any GC it triggers) comes after the write.
  const late = now() - dueAt;
  if (late < 0) { early++; histogram[0]++; return; }
  histogram[late >= LAST_BIN * BIN_MS ? LAST_BIN : Math.floor(late / BIN_MS)]++;
  if (late > maxLateMs) maxLateMs = late;
}
// On stop: what is already due (a panic's note-offs, a final Stop) still goes out.
function flushDue() {
  grids = [];
  const t = now();
  while (queue.length > 0 && queue[0].at <= t) { dueGrid = -1; fire(queue[0].at); }
  // Native handles are released here, not left to the thread's teardown.
  for (const dest of [...alsa.keys()]) closeAlsa(dest);
}
function run() {
  parentPort.postMessage({ kind: 'ready' });
  for (;;) {
    const seen = Atomics.load(signal, 0);
    if (seen !== drained) {
      const due = nextDue();
      if (due === Infinity || due - now() > drainGuardMs) {
        drained = seen;
        drain();
        if (stop) return flushDue();
        continue;
      }
    }
    const dueAt = nextDue();
    if (dueAt === Infinity) {
      Atomics.wait(signal, 0, seen);
      continue;
    }
    const wait = dueAt - now() - spinMs;
    if (wait > 0) {
      // A wait that times out ends at its deadline or after (never before): with no spin,
      // that is the moment to write, without another clock read in between.
      if (Atomics.wait(signal, 0, seen, wait) !== 'timed-out' || spinMs > 0) continue;
    } else if (spinMs > 0) {
      while (now() < dueAt) {}
    }
    fire(dueAt);
  }
}
run();
parentPort.postMessage({ kind: 'stopped' });
`;
