/**
 * The clock output thread's body (started by ClockOutputThread through system/start-worker).
 *
 * Deadline path: sleep in Atomics.wait until the earliest entry is due (or `spinMs` before
 * it, then spin), write, repeat. Nothing on that path allocates: the clock read allocates
 * (performance.now builds an hrtime array), and a young-generation GC inside the last stretch
 * waits on V8's helper threads, which run at normal priority on a loaded machine (measured:
 * 2 ms stalls). So a timed-out wait means "the deadline has passed": write first, read the
 * clock after. Messages are drained only when the next deadline is `drainGuardMs` away.
 *
 * With nothing due the thread blocks in Atomics.wait until the main thread posts (it does not
 * spin: /proc shows ~20 ms of CPU for its start and none while idle). A --cpu-prof profile of
 * the thread counts the time blocked in Atomics.wait as `run`'s self time, so it looks busy.
 *
 * Destinations: `dest >= 0` is a file descriptor (the DIN UART), written with writeSync;
 * `dest < 0` is an ALSA sequencer output the thread opened itself (open-alsa).
 */
import { spawnSync } from 'node:child_process';
import { readlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../util/error-message.js';
import type { FromOutputThread, OutputThreadData, ToOutputThread } from './output-thread-protocol.js';
import { measurePerformanceOffsetMs } from './time-source.js';

interface Entry {
  at: number;
  /** Handed over "for now": no deadline to be late for (a panic's note-offs). */
  readonly immediate: boolean;
  readonly priority: number;
  readonly seq: number;
  readonly dest: number;
  readonly bytes: Uint8Array;
  readonly tag: string | undefined;
  readonly id: number | undefined;
}

/** F8 to `dest` at anchorTime + (n - anchorTick) * period, for n >= next. */
interface Grid {
  readonly id: string;
  readonly dest: number;
  readonly anchorTick: number;
  readonly anchorTime: number;
  readonly period: number;
  next: number;
}

/** What the thread needs of an RtMidi output. */
interface AlsaOut {
  getPortCount(): number;
  getPortName(i: number): string;
  openPort(i: number): void;
  sendMessage(bytes: Uint8Array | number[]): void;
  closePort(): void;
  destroy(): void;
}

const data = workerData as OutputThreadData;
const parent = parentPort;
if (!parent) throw new Error('clock-output-worker runs only as a worker thread');
const post = (event: FromOutputThread): void => parent.postMessage(event);
const signal = new Int32Array(data.signal);
const histogram = new Int32Array(data.histogram);
const LAST_BIN = histogram.length - 1;
// The same CLOCK_MONOTONIC the main thread's hrtimeClock reads, offset measured in this thread.
const offset = measurePerformanceOffsetMs();
const now = (): number => performance.now() + offset;
const F8 = Uint8Array.of(0xf8);

const queue: Entry[] = [];
let grids: Grid[] = [];
const alsa = new Map<number, AlsaOut>();
let midi: { Output: new () => AlsaOut } | undefined;
let seq = 0;
let sent = 0;
let early = 0;
let maxLateMs = 0;
let drained = 0;
let stop = false;

function becomeRealtime(): void {
  if (!data.realtime) return;
  let detail = '';
  let ok = false;
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
    const r = spawnSync('chrt', ['-f', '-p', String(data.priority), tid], { encoding: 'utf8' });
    ok = r.status === 0;
    detail = r.error ? r.error.message : r.stderr.trim();
  } catch (e) {
    detail = errorMessage(e);
  }
  post({ kind: 'priority', ok, detail });
}

const before = (a: Entry, b: Entry): boolean =>
  a.at !== b.at ? a.at < b.at : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;

function insert(item: Entry): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(queue[mid] as Entry, item)) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, item);
}

/** Entries still queued move to their new time; ones already written are not sent again. */
function move(ids: readonly number[], ats: readonly number[]): void {
  const to = new Map<number, number>();
  ids.forEach((id, i) => to.set(id, ats[i] ?? 0));
  const moved: Entry[] = [];
  for (let i = queue.length - 1; i >= 0; i--) {
    const e = queue[i] as Entry;
    if (e.id !== undefined && to.has(e.id)) {
      moved.push(e);
      queue.splice(i, 1);
    }
  }
  for (const e of moved.reverse()) {
    e.at = to.get(e.id as number) ?? e.at;
    insert(e);
  }
}

const codeOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : errorMessage(e);
};

function openAlsa(dest: number, name: string): void {
  try {
    midi ??= createRequire(import.meta.url)(data.midiModule) as { Output: new () => AlsaOut };
    const out = new midi.Output();
    let index = -1;
    for (let i = 0; i < out.getPortCount(); i++) if (out.getPortName(i) === name) index = i;
    if (index < 0) {
      out.destroy();
      throw Object.assign(new Error('no such port'), { code: 'ENODEV' });
    }
    out.openPort(index);
    alsa.set(dest, out);
    post({ kind: 'opened', dest });
  } catch (e) {
    post({ kind: 'error', dest, code: codeOf(e) });
  }
}

function closeAlsa(dest: number): void {
  const out = alsa.get(dest);
  alsa.delete(dest);
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.dest === dest) queue.splice(i, 1);
  try {
    out?.closePort();
    out?.destroy();
  } catch {
    // A port that vanished with its device has nothing left to close.
  }
}

function handle(msg: ToOutputThread): void {
  switch (msg.kind) {
    case 'send':
      // An entry "for now" (at 0) is due when it is taken in: after what was already due before it.
      insert({
        at: msg.at > 0 ? msg.at : now(),
        immediate: msg.at <= 0,
        priority: msg.priority,
        seq: seq++,
        dest: msg.dest,
        bytes: msg.dest < 0 ? Buffer.from(msg.bytes) : msg.bytes,
        tag: msg.tag,
        id: msg.id,
      });
      break;
    case 'move':
      move(msg.ids, msg.ats);
      break;
    case 'grid': {
      // A tick this output already sent is not sent again: the main thread may not know yet that it went.
      const old = grids.find((g) => g.id === msg.id && g.dest === msg.dest);
      grids = grids.filter((g) => g.id !== msg.id);
      grids.push({
        id: msg.id,
        dest: msg.dest,
        anchorTick: msg.anchorTick,
        anchorTime: msg.anchorTime,
        period: msg.period,
        next: Math.max(msg.from, old?.next ?? msg.from),
      });
      break;
    }
    case 'grid-stop':
      grids = grids.filter((g) => g.id !== msg.id);
      break;
    case 'cancel':
      for (let i = queue.length - 1; i >= 0; i--) {
        const e = queue[i] as Entry;
        if (e.tag === msg.tag && e.at >= msg.from) queue.splice(i, 1);
      }
      break;
    case 'open-alsa':
      openAlsa(msg.dest, msg.name);
      break;
    case 'close-alsa':
      closeAlsa(msg.dest);
      break;
    case 'stats':
      post({ kind: 'stats', sent, maxLateMs, early, pending: queue.length });
      break;
    case 'stop':
      stop = true;
      break;
  }
}

function drain(): void {
  for (let m = receiveMessageOnPort(data.port); m !== undefined; m = receiveMessageOnPort(data.port))
    handle(m.message as ToOutputThread);
}

/** The earliest thing due: a generated tick (priority 1) or the queue's head; `dueGrid` says which. */
let dueGrid = -1;
function nextDue(): number {
  let at = Infinity;
  dueGrid = -1;
  grids.forEach((g, i) => {
    const t = g.anchorTime + (g.next - g.anchorTick) * g.period;
    if (t < at) {
      at = t;
      dueGrid = i;
    }
  });
  const head = queue[0];
  if (head !== undefined && (head.at < at || (head.at === at && head.priority < 1))) {
    dueGrid = -1;
    return head.at;
  }
  return at;
}

function write(dest: number, bytes: Uint8Array): void {
  if (dest >= 0) {
    writeSync(dest, bytes);
    return;
  }
  const out = alsa.get(dest);
  if (out === undefined) throw Object.assign(new Error('closed'), { code: 'ECLOSED' });
  out.sendMessage(bytes);
}

function fire(dueAt: number): void {
  const grid = dueGrid < 0 ? undefined : grids[dueGrid];
  const head = grid ? undefined : queue.shift();
  if (grid) grid.next++;
  const dest = grid?.dest ?? head?.dest ?? 0;
  try {
    write(dest, grid ? F8 : (head as Entry).bytes);
  } catch (e) {
    if (grid !== undefined) grids = grids.filter((g) => g !== grid);
    if (dest < 0) closeAlsa(dest);
    post({ kind: 'error', dest, code: codeOf(e) });
    return;
  }
  sent++;
  if (head?.immediate) return;
  // Read the clock only now: its allocation (and any GC it triggers) comes after the write.
  const late = now() - dueAt;
  if (late < 0) {
    early++;
    histogram[0] = (histogram[0] ?? 0) + 1;
    return;
  }
  const bin = late >= LAST_BIN * data.binMs ? LAST_BIN : Math.floor(late / data.binMs);
  histogram[bin] = (histogram[bin] ?? 0) + 1;
  if (late > maxLateMs) maxLateMs = late;
}

/** On stop: what is already due (a panic's note-offs, a final Stop) still goes out; native handles are released here. */
function flushDue(): void {
  grids = [];
  const t = now();
  while (queue.length > 0 && (queue[0] as Entry).at <= t) {
    dueGrid = -1;
    fire((queue[0] as Entry).at);
  }
  for (const dest of [...alsa.keys()]) closeAlsa(dest);
}

function run(): void {
  post({ kind: 'ready' });
  for (;;) {
    const seen = Atomics.load(signal, 0);
    if (seen !== drained) {
      const due = nextDue();
      if (due === Infinity || due - now() > data.drainGuardMs) {
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
    const wait = dueAt - now() - data.spinMs;
    if (wait > 0) {
      // A wait that times out ends at its deadline or after (never before): with no spin,
      // that is the moment to write, without another clock read in between.
      if (Atomics.wait(signal, 0, seen, wait) !== 'timed-out' || data.spinMs > 0) continue;
    } else if (data.spinMs > 0) {
      while (now() < dueAt) {
        // Spin to the deadline.
      }
    }
    fire(dueAt);
  }
}

becomeRealtime();
run();
post({ kind: 'stopped' });
