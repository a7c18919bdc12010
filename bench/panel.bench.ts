/**
 * Panel timing (npm run bench:panel), each figure beside a reference measured in the same run
 * (these machines are shared, so only ratios and same-run differences mean anything):
 *  1. evdev event -> bus event: a record written to an event file (a FIFO here; the VM suite
 *     uses a real uinput device) until the parameter change reaches a bus subscriber, through
 *     the box's reader (non-blocking file, epoll), router, controller and parameter store.
 *     Reference: the same write to a bare epoll + read of a second FIFO.
 *  2. GPIO fallback edge -> bus event: four quadrature edges on simulated lines to the change
 *     (CPU path only; real edges add onoff's epoll wake, like 1).
 *  3. Beat LED against the clock tick: beats scheduled on the box's real Scheduler (SpinWakeup)
 *     at 240 BPM; error = when the beat LED's sysfs brightness was written minus the beat's
 *     scheduled time. Reference: the same scheduler's own callback lateness for those beats.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Priority, Scheduler } from '../src/clock/scheduler.js';
import { hrtimeClock } from '../src/clock/time-source.js';
import { nodeTimers, type Timers } from '../src/clock/timers.js';
import { SpinWakeup } from '../src/clock/wakeup.js';
import type { SurfaceContext } from '../src/box/surface.js';
import { BenchBus } from '../src/panel/bench-bus.js';
import { EV_REL, encodeRecords, eventPacket } from '../src/panel/evdev-records.js';
import { EvdevInputSource } from '../src/panel/evdev-source.js';
import { SimGpio } from '../src/panel/gpio-sim.js';
import { PANEL_SCHEMA } from '../src/panel/panel-config.js';
import type { PanelHardware } from '../src/panel/panel-hardware.js';
import { PanelSurface } from '../src/panel/panel-surface.js';
import { resolveConfig } from '../src/system/config.js';

const N = Number(process.env['PANEL_BENCH_EVENTS'] ?? 400);
const log = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const row = (name: string, xs: readonly number[]): string =>
  `${name.padEnd(52)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(3)} ms  p99 ${pct(xs, 99).toFixed(3)} ms  max ${Math.max(...xs).toFixed(3)} ms`;

function context(bus: BenchBus, timers: Timers, now: () => number, at: SurfaceContext['at']): SurfaceContext {
  return {
    bus,
    timers,
    now,
    log,
    devices: () => [],
    onDeviceMessage: () => () => undefined,
    onDevicesChanged: () => () => undefined,
    sendToDevice: () => false,
    learnCc: () => undefined,
    at,
  };
}

async function startPanel(
  hardware: PanelHardware,
  ledsDir: string,
  now: () => number,
  at: SurfaceContext['at'],
  timers: Timers = nodeTimers,
  input: 'evdev' | 'gpio' = 'evdev',
) {
  const { config } = resolveConfig({}, 'bench.toml');
  const bus = new BenchBus(config.perform.parameters, config.perform.models, now);
  const panelConfig = PANEL_SCHEMA.parse({
    input,
    ads1115_address: 0,
    pca9685_address: 0,
    leds_dir: ledsDir,
    leds: [{ id: 'beat', show: 'beat', pin: 11 }],
  });
  const panel = new PanelSurface({
    config: panelConfig,
    dataDir: mkdtempSync(join(tmpdir(), 'panel-bench-data-')),
    hardware: () => hardware,
  });
  await panel.start(context(bus, timers, now, at));
  return { bus, panel };
}

async function evdevLatency(dir: string): Promise<{ bus: number[]; raw: number[] }> {
  const fifo = (name: string): number => {
    execFileSync('mkfifo', [join(dir, name)]);
    return openSync(join(dir, name), constants.O_RDWR);
  };
  const panelFd = fifo('platform-antiphon-keys-event');
  const rawFd = fifo('raw-event');
  const input = new EvdevInputSource({ dir, prefix: 'platform-antiphon-', timers: nodeTimers });
  const { bus, panel } = await startPanel(
    { input, ledsDir: join(dir, 'leds'), missing: [] },
    join(dir, 'leds'),
    () => performance.now(),
    (atMs, fn) => nodeTimers.after(atMs - performance.now(), fn),
  );
  let sentAt = 0;
  let arrived: (() => void) | undefined;
  const busLatency: number[] = [];
  bus.subscribe((e) => {
    if (e.kind !== 'parameter') return;
    busLatency.push(performance.now() - sentAt);
    arrived?.();
  });
  // The reference: the same kind of write, read back by a bare epoll watcher on another FIFO.
  interface EpollCtor {
    new (cb: (err: Error | null, fd: number) => void): { add(fd: number, events: number): void; close(): void };
    readonly EPOLLIN: number;
  }
  const { Epoll } = createRequire(import.meta.url)('epoll') as { Epoll: EpollCtor };
  const rawRead = openSync(join(dir, 'raw-event'), constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(4096);
  const rawLatency: number[] = [];
  const poller = new Epoll(() => {
    try {
      while (readSync(rawRead, buf, 0, buf.length, null) > 0) rawLatency.push(performance.now() - sentAt);
    } catch {
      // EAGAIN: drained
    }
    arrived?.();
  });
  poller.add(rawRead, Epoll.EPOLLIN);
  for (let i = 0; i < N; i++) {
    for (const fd of [panelFd, rawFd]) {
      const done = new Promise<void>((resolve) => (arrived = resolve));
      const record = encodeRecords(eventPacket(EV_REL, 0, i % 2 === 0 ? 1 : -1, Date.now()));
      sentAt = performance.now();
      writeSync(fd, record);
      await Promise.race([done, sleep(1000)]);
      await sleep(3);
    }
  }
  poller.close();
  await panel.stop();
  for (const fd of [panelFd, rawFd, rawRead]) closeSync(fd);
  return { bus: busLatency, raw: rawLatency };
}

async function gpioLatency(dir: string): Promise<number[]> {
  const gpio = new SimGpio();
  let t0 = 0;
  const out: number[] = [];
  const { bus, panel } = await startPanel(
    { gpio, ledsDir: join(dir, 'leds'), missing: [] },
    join(dir, 'leds'),
    () => performance.now(),
    (atMs, fn) => nodeTimers.after(atMs - performance.now(), fn),
    nodeTimers,
    'gpio',
  );
  bus.subscribe((e) => e.kind === 'parameter' && out.push(performance.now() - t0));
  for (let i = 0; i < N; i++) {
    const seq: [number, 0 | 1][] =
      i % 2 === 0
        ? [
            [17, 1],
            [27, 1],
            [17, 0],
            [27, 0],
          ]
        : [
            [27, 1],
            [17, 1],
            [27, 0],
            [17, 0],
          ];
    t0 = performance.now();
    for (const [pin, v] of seq) gpio.drive(pin, v);
    await sleep(2);
  }
  await panel.stop();
  return out;
}

async function beatLed(dir: string): Promise<{ led: number[]; tick: number[] }> {
  const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 2 }));
  const now = (): number => scheduler.nowMs();
  let tag = 0;
  const at: SurfaceContext['at'] = (atMs, fn) => {
    const t = `led-at:${tag++}`;
    scheduler.callAt(atMs, () => fn(), Priority.note, t);
    return { cancel: () => void scheduler.cancel(t) };
  };
  const { bus, panel } = await startPanel({ ledsDir: join(dir, 'leds'), missing: [] }, join(dir, 'leds'), now, at);
  const tick: number[] = [];
  const beats = Math.max(40, Math.round(N / 5));
  const periodMs = 250;
  const t0 = now() + 50;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < beats; i++) {
      scheduler.callAt(
        t0 + i * periodMs,
        (scheduled) => {
          tick.push(now() - scheduled);
          bus.emit({ kind: 'beat', bar: Math.floor(i / 4), beat: i % 4, atMs: scheduled });
          if (i === beats - 1) resolve();
        },
        Priority.clock,
        `beat:${i}`,
      );
    }
  });
  const led = panel.beatDrawn.map((b) => b.drawnMs - b.scheduledMs);
  await panel.stop();
  scheduler.dispose();
  return { led, tick };
}

async function main(): Promise<void> {
  // In memory, as /sys is: a regular file on disk would time the disk, not the panel.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'panel-bench-'));
  mkdirSync(join(dir, 'leds', 'antiphon:beat'), { recursive: true });
  writeFileSync(join(dir, 'leds', 'antiphon:beat', 'max_brightness'), '1\n');
  writeFileSync(join(dir, 'leds', 'antiphon:beat', 'brightness'), '0\n');
  try {
    process.stdout.write(`panel bench: ${N} events each, node ${process.version}, ${process.arch}\n`);
    const ev = await evdevLatency(dir);
    process.stdout.write(`${row('evdev record -> bus parameter event (panel)', ev.bus)}\n`);
    process.stdout.write(`${row('reference: same write -> bare epoll read', ev.raw)}\n`);
    process.stdout.write(
      `  ratio p50 panel/raw ${(pct(ev.bus, 50) / pct(ev.raw, 50)).toFixed(2)}x, p99 ${(pct(ev.bus, 99) / pct(ev.raw, 99)).toFixed(2)}x; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs\n`,
    );
    const g = await gpioLatency(dir);
    process.stdout.write(`${row('GPIO fallback: 4 quadrature edges -> bus (CPU path)', g)}\n`);
    const b = await beatLed(dir);
    process.stdout.write(`${row('beat LED written - beat scheduled time (240 BPM)', b.led)}\n`);
    process.stdout.write(`${row('reference: scheduler callback lateness, same beats', b.tick)}\n`);
    // Per beat: LED written minus the callback's own start, i.e. what the panel adds to the tick.
    const own = b.led.map((l, i) => l - (b.tick[i] ?? 0));
    process.stdout.write(`${row("beat LED's own share (LED - tick, per beat)", own)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
