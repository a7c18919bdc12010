/**
 * npm run bench:web — the clock's tick timing with and without 20 watchers on the live page
 * (one of them stalled). While the ticks run the page gets a busy box's traffic: a hit every 16th,
 * a beat per beat, a large exchange (a four-bar call, two four-bar answers) every four bars. Then
 * a flood (an exchange every ms) shows the stalled watcher dropped and the box's RSS bounded.
 * The watchers run in a child process on this machine, so they take CPU a phone would not.
 * Env: WEB_BENCH_TICKS (default 2000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import type { BoxBus, BoxEvent } from '../src/box/bus-types.js';
import { idleSnapshot } from '../src/box/box-state.js';
import type { SurfaceContext } from '../src/box/surface.js';
import { nodeTimers } from '../src/clock/timers.js';
import { bpm, msPerTick, ticks } from '../src/clock/units.js';
import { defaultGlobals, defaultVoice } from '../src/control/parameter-store.js';
import type { Exchange } from '../src/perform/engine-types.js';
import { WebSurface } from '../src/web/web-surface.js';
import { productClockThread, productMasterClock, type Strategy } from './clock-strategies.js';
import { openPtySink } from './pty-sink.js';
import { formatRow, tableHeader, timingStats } from './timing-stats.js';

const TEMPO = 174;
const TICKS = Number(process.env.WEB_BENCH_TICKS ?? 2000);
const WATCHERS = 20;

function fakeBus(): BoxBus & { emit(e: BoxEvent): void } {
  const listeners = new Set<(e: BoxEvent) => void>();
  const snapshot = idleSnapshot({
    parameters: {
      global: defaultGlobals(),
      voices: [
        { name: 'A', values: defaultVoice() },
        { name: 'B', values: defaultVoice() },
      ],
    },
    models: ['default'],
    clock: { source: 'internal', mode: 'auto', tempo: TEMPO, locked: false },
  });
  return {
    dispatch: () => undefined,
    snapshot: () => snapshot,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    emit: (e) => listeners.forEach((l) => l(e)),
  };
}

/** A four-bar call answered by two voices, every 16th a hit on three drums: a large exchange. */
function bigExchange(id: number): Exchange {
  const notes = Array.from({ length: 64 * 3 }, (_, i) => ({
    pitch: [36, 38, 42][i % 3] ?? 36,
    velocity: 90,
    tick: ticks(Math.floor(i / 3) * 6),
    durationTicks: ticks(3),
  }));
  const ll = { total: -80, perStep: Array.from({ length: 64 }, (_, i) => -1 - (i % 7) / 3) };
  const turn = (voice: string) => ({
    voice,
    model: 'default',
    startBar: 4,
    bars: 4,
    notes,
    events: new Uint16Array(64),
    temperature: 1,
    logLikelihood: ll,
    primerLogLikelihood: ll,
    slippedBars: 0,
  });
  return {
    id,
    mode: 'chain',
    tempo: bpm(TEMPO),
    stepsPerBar: 16,
    call: { source: 'human', startBar: 0, bars: 4, endReason: 'silence', notes, events: new Uint16Array(64) },
    turns: [turn('A'), turn('B')],
  };
}

function context(bus: BoxBus): SurfaceContext {
  return {
    bus,
    timers: nodeTimers,
    now: () => performance.now(),
    log: pino({ level: 'warn' }),
    devices: () => [],
    onDeviceMessage: () => () => undefined,
    onDevicesChanged: () => () => undefined,
    sendToDevice: () => false,
    learnCc: () => undefined,
    at: () => ({ cancel: () => undefined }),
  };
}

async function watchers(port: number): Promise<{ child: ChildProcess; closed: number[] }> {
  const child = spawn(
    process.execPath,
    [new URL('./web-watchers.mjs', import.meta.url).pathname, String(port), String(WATCHERS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const closed: number[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve) =>
    lines.on('line', (l) =>
      l === 'ready' ? resolve() : l.startsWith('closed') && closed.push(Number(l.split(' ')[1])),
    ),
  );
  return { child, closed };
}

async function tickRun(name: string, strategy: Strategy): Promise<{ row: string; p99: number }> {
  const sink = await openPtySink(false);
  const run = await strategy({ fd: sink.fd, periodMs: msPerTick(bpm(TEMPO)), ticks: TICKS, realtime: false });
  await sink.finish();
  if (run.sent.length > 0) {
    const s = timingStats(run.due, run.sent);
    return { row: formatRow(name, s), p99: s.p99 };
  }
  const p99 = run.summary?.p99 ?? NaN;
  return {
    row: `${name.padEnd(44)} ${String(run.summary?.count ?? 0).padStart(5)} ${(run.summary?.p50 ?? NaN).toFixed(3).padStart(8)} ${p99.toFixed(3).padStart(8)} ${(run.summary?.max ?? NaN).toFixed(3).padStart(8)}`,
    p99,
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * Publishes an exchange every 25 ms (a pace the readers follow) until the page drops a watcher (or 30 s): the drop, and the
 * memory it bounds. A paused socket cannot see its own close, so the stalled watcher's drop
 * is the page's count less the readers that saw theirs.
 */
async function floodUntilDropped(
  bus: ReturnType<typeof fakeBus>,
  web: WebSurface,
): Promise<{ exchanges: number; bytes: number; ms: number; rssMax: number }> {
  const before = web.dropped;
  const size = JSON.stringify(bigExchange(1)).length;
  const t0 = performance.now();
  let exchanges = 0;
  let rssMax = 0;
  while (web.dropped === before && performance.now() - t0 < 30_000) {
    bus.emit({ kind: 'exchange', exchange: bigExchange(++exchanges) });
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 200));
  return { exchanges, bytes: exchanges * size, ms: performance.now() - t0, rssMax };
}

/**
 * Note to screen: a hit published on the bus, to the page's first animation frame after its
 * message arrives, in headless Chromium on this machine (both sides read the same wall clock).
 */
async function noteToScreen(): Promise<string> {
  const bus = fakeBus();
  const web = new WebSurface({ enabled: true, port: 0, bind: '127.0.0.1' });
  await web.start(context(bus));
  // Loaded here, not at the top: playwright-core alone adds ~80 MiB of RSS to the figures above.
  const { launchChromium } = await import('../test/web/chromium.js');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${web.port ?? 0}/`);
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        seen: number[];
        EventSource: new (u: string) => { onmessage: (e: { data: string }) => void };
        requestAnimationFrame(f: () => void): void;
      };
      g.seen = [];
      new g.EventSource('/events').onmessage = (e) => {
        if (JSON.parse(e.data).kind === 'hit') g.requestAnimationFrame(() => g.seen.push(Date.now()));
      };
    });
    await new Promise((r) => setTimeout(r, 500));
    bus.emit({ kind: 'beat', bar: 1, beat: 0, atMs: performance.now() });
    const sent: number[] = [];
    for (let i = 0; i < 50; i++) {
      sent.push(Date.now());
      bus.emit({ kind: 'hit', hit: { pitch: 36, velocity: 100, atMs: performance.now() } });
      await new Promise((r) => setTimeout(r, 97));
    }
    await new Promise((r) => setTimeout(r, 500));
    const seen = await page.evaluate(() => (globalThis as unknown as { seen: number[] }).seen);
    const delays = seen.map((t, i) => t - (sent[i] ?? t)).sort((a, b) => a - b);
    const at = (q: number): number => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
    return `note to screen (bus event to the page's next frame, ${delays.length} of ${sent.length} hits): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays.at(-1) ?? NaN} ms (25 ms batching window)`;
  } finally {
    await browser.close();
    await web.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:web — ${TICKS} ticks at ${TEMPO} BPM (${msPerTick(bpm(TEMPO)).toFixed(3)} ms/tick); ${WATCHERS} watchers, the last one stalled; node ${process.version}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(tableHeader);
  const strategies: [string, Strategy][] = [
    ['Scheduler+SpinWakeup (main thread)', productMasterClock(2)],
    ['ClockOutputThread (output thread)', productClockThread(0, 1)],
  ];
  const bus = fakeBus();
  const web = new WebSurface({ enabled: true, port: 0, bind: '127.0.0.1' });
  await web.start(context(bus));
  const rssBefore = process.memoryUsage().rss;
  for (const [name, strategy] of strategies) {
    const alone = await tickRun(`${name}, no watchers`, strategy);
    console.log(alone.row);
    const { child, closed } = await watchers(web.port ?? 0);
    let step = 0;
    let exchanges = 0;
    let rssMax = 0;
    const feed = setInterval(
      () => {
        step++;
        bus.emit({ kind: 'hit', hit: { pitch: 42, velocity: 90, atMs: performance.now() } });
        if (step % 4 === 0)
          bus.emit({ kind: 'beat', bar: Math.floor(step / 16), beat: (step / 4) % 4, atMs: performance.now() });
        if (step % 64 === 0) bus.emit({ kind: 'exchange', exchange: bigExchange(++exchanges) });
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      },
      60_000 / TEMPO / 4,
    );
    const watched = await tickRun(`${name}, ${WATCHERS} watchers`, strategy);
    clearInterval(feed);
    console.log(watched.row);
    console.log(
      `  p99 ratio watched/alone ${(watched.p99 / alone.p99).toFixed(2)}; ${step} hits and ${exchanges} exchanges published; RSS ${mib(rssBefore)} before, ${mib(rssMax)} max while watched`,
    );
    const droppedBefore = web.dropped;
    const flood = await floodUntilDropped(bus, web);
    const readersDropped = closed.length;
    const stalledDropped = web.dropped - droppedBefore - readersDropped;
    console.log(
      `  flood: ${flood.exchanges} exchanges (${(flood.bytes / 1e6).toFixed(0)} MB to each watcher) in ${flood.ms.toFixed(0)} ms; stalled watcher dropped: ${stalledDropped === 1 ? 'yes' : 'NO'}; readers dropped: ${readersDropped} of ${WATCHERS - 1}; RSS max ${mib(flood.rssMax)}`,
    );
    child.kill();
    await new Promise((r) => setTimeout(r, 300));
  }
  await web.stop();
  console.log(await noteToScreen());
}

await main();
