import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Box } from '../../src/box/box.js';
import type { BoxEvent } from '../../src/box/bus-types.js';
import type { BoxSurface } from '../../src/box/surface.js';
import type { Scheduler } from '../../src/clock/scheduler.js';
import { virtualScheduler } from '../../src/clock/testing.js';
import { schedulerTimers } from '../../src/clock/timers.js';
import type { HotplugSource } from '../../src/devices/hotplug.js';
import { SimulatedSerialBus } from '../../src/devices/serial/simulated-serial-port.js';
import { SimMidiBackend, type SimDeviceSpec } from '../../src/devices/sim-backend.js';
import { SysfsUsbIdentityReader } from '../../src/devices/usb-identity.js';
import type { LinkOpener } from '../../src/link/open-link.js';
import { loadVoiceModel } from '../../src/voices/voice-models.js';
import { resolveConfig } from '../../src/system/config.js';

/** USB hotplug on the simulator: the sim backend announces port changes itself, so events only add scans. */
class SimHotplug implements HotplugSource {
  readonly kind = 'simulator';
  readonly #listeners: ((event: 'attach' | 'detach', label: string) => void)[] = [];
  onChange(listener: (event: 'attach' | 'detach', label: string) => void): void {
    this.#listeners.push(listener);
  }
  fire(event: 'attach' | 'detach', label: string): void {
    for (const l of this.#listeners) l(event, label);
  }
  dispose(): void {
    this.#listeners.length = 0;
  }
}

export interface SimBoxOptions {
  /** antiphon.toml as parsed TOML; `data.dir` defaults to a fresh temp folder. */
  readonly config?: Record<string, unknown>;
  readonly seed?: number;
  readonly surfaces?: readonly BoxSurface[];
  /** Log records at or above this level are kept in `logs` (default 'info'). */
  /** Keep every bus event in `events` (default true; a soak that runs for hours says no). */
  readonly keepEvents?: boolean;
  readonly logLevel?: 'debug' | 'info' | 'warn';
  /** What opens the `[link]` session, made on the box's virtual scheduler (a SimulatedLinkNetwork's session). */
  readonly openLink?: (scheduler: Scheduler) => LinkOpener;
}

/**
 * The whole box on virtual time: the real assembly with simulated MIDI ports, serial, USB
 * hotplug and a virtual clock, the shipped model run inline. `run(ms)` moves time on and lets
 * generations (promises) finish at their instants, so a test plays minutes of music in seconds.
 */
export async function startSimBox(o: SimBoxOptions = {}) {
  const { clock, wakeup, scheduler } = virtualScheduler(1_000);
  const backend = new SimMidiBackend(() => clock.nowMs());
  const serial = new SimulatedSerialBus(clock);
  const hotplug = new SimHotplug();
  const logs: Record<string, unknown>[] = [];
  const log: Logger = pino(
    { level: o.logLevel ?? 'info', base: undefined },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  // Under vitest inside the run's folder (test/support/temp-root.ts removes it at the end).
  const dataDir = mkdtempSync(join(process.env.ANTIPHON_TEST_TMP ?? tmpdir(), 'antiphon-simbox-'));
  const { config, problems } = resolveConfig(
    { data: { dir: dataDir }, din: { device: '/dev/sim-din' }, ...o.config },
    'sim.toml',
  );
  const box = new Box({
    hardware: {
      backend,
      hotplug,
      serial,
      usb: new SysfsUsbIdentityReader('/nonexistent', '/nonexistent'),
      now: () => clock.nowMs(),
      timers: schedulerTimers(scheduler),
      missing: [],
    },
    scheduler,
    config,
    log,
    seed: o.seed ?? 7,
    outputThreads: 'none',
    loadModel: (name, seed, placeholder) => loadVoiceModel(name, log, seed, 'inline', placeholder),
    inputToSchedulerMs: (t) => t,
    configProblems: problems,
    ...(o.surfaces ? { surfaces: o.surfaces } : {}),
    ...(o.openLink ? { openLink: o.openLink(scheduler) } : {}),
  });
  const events: BoxEvent[] = [];
  if (o.keepEvents !== false) box.subscribe((e) => events.push(e));
  await box.start();
  await box.surfacesStarted;
  /**
   * Moves virtual time on by `ms` in slices (5 ms unless asked), letting each slice's promises
   * (a generation) settle before time moves again: a generation takes no virtual time.
   */
  const run = async (ms: number, sliceMs = 5): Promise<void> => {
    const end = clock.nowMs() + ms;
    const yieldOnce = (): Promise<void> => new Promise<void>((r) => setImmediate(r));
    while (clock.nowMs() < end) {
      const sliceEnd = Math.min(end, clock.nowMs() + sliceMs);
      // Deadline by deadline, so a generation that one starts finishes at that very instant.
      while (clock.nowMs() < sliceEnd) {
        wakeup.advanceTo(Math.min(sliceEnd, wakeup.nextDeadline ?? sliceEnd));
        while (box.generating > 0) await yieldOnce();
      }
      await yieldOnce();
    }
  };
  /** A USB MIDI device arriving: its ports appear and the USB attach event fires, as on the box. */
  const plug = (spec: SimDeviceSpec): number => {
    const client = backend.plug(spec);
    hotplug.fire('attach', spec.clientName);
    return client;
  };
  const unplug = (client: number): void => {
    backend.unplug(client);
    hotplug.fire('detach', String(client));
  };
  return { box, clock, scheduler, backend, serial, hotplug, events, logs, dataDir, run, plug, unplug, problems };
}

export type SimBox = Awaited<ReturnType<typeof startSimBox>>;
