import type { Box } from '../box/box.js';
import { statusLine } from '../box/status-line.js';
import { hrtimeClock, type MonotonicClock } from '../clock/time-source.js';
import { nodeTimers, type Timers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { createSystemdNotifier } from '../system/notify/create-notifier.js';
import type { SystemdNotifier } from '../system/notify/notifier.js';
import { eventLoopDelayMeter, startWatchdog } from '../system/watchdog-driver.js';
import type { CheckFailure, HealthProbe } from '../system/watchdog.js';

/** A loop stalled this long between two watchdog looks is a hung box (a GC or a model load is far shorter). */
const MAX_LOOP_DELAY_MS = 2_000;
/** An output thread that has not answered a ping this long is hung: it writes every few ms when healthy. */
const THREAD_ANSWER_MS = 2_000;

/** What the service runs on: the real ones unless a test gives its own (a recorder, virtual time). */
export interface ServiceDeps {
  readonly notifier?: SystemdNotifier;
  readonly timers?: Timers;
  readonly clock?: MonotonicClock;
}

/**
 * The box as a systemd service (Type=notify): STATUS= whenever what the box does changes,
 * READY=1 once it can play, WATCHDOG=1 while it is healthy, STOPPING=1 after the panic. Under
 * `npm start` (no $NOTIFY_SOCKET) every call is a no-op. `probes`: parts that watch themselves
 * (the model worker's supervisor) and fail the watchdog when they are beyond help.
 */
export function serveSystemd(
  box: Box,
  log: Logger,
  probes: readonly HealthProbe[] = [],
  deps: ServiceDeps = {},
): { ready(): Promise<void>; stopping(): Promise<void>; dispose(): void } {
  const notifier = deps.notifier ?? createSystemdNotifier({ log });
  let status = '';
  /** Why the watchdog is not petted, said first in STATUS= until systemd restarts the box. */
  let unhealthy = '';
  const currentStatus = (): string => {
    const line = statusLine(box.snapshot());
    return unhealthy ? `unhealthy (watchdog not petted): ${unhealthy}; ${line}` : line;
  };
  const updateStatus = (): void => {
    const line = currentStatus();
    if (line === status) return;
    status = line;
    void notifier.status(line);
  };
  const unsubscribe = box.subscribe(updateStatus);
  const loop = eventLoopDelayMeter();
  const threads = box.outputThreads.map(({ name, thread }) => ({
    name: `${name}-output-thread`,
    maxAnswerMs: THREAD_ANSWER_MS,
    // The thread answers a stats request only from its loop: a stuck thread never does.
    ping: (answered: () => void) => void thread.stats().then(answered),
  }));
  const watchdog = startWatchdog({
    notifier,
    timers: deps.timers ?? nodeTimers,
    clock: deps.clock ?? hrtimeClock,
    takeLoopDelayMs: () => loop.takeMaxMs(),
    maxLoopDelayMs: MAX_LOOP_DELAY_MS,
    threads,
    probes,
    log,
    onFailuresChanged: (failures: readonly CheckFailure[]) => {
      unhealthy = failures.map((f) => `${f.check}: ${f.detail}`).join('; ');
      updateStatus();
    },
  });
  return {
    ready: async () => {
      status = currentStatus();
      await notifier.status(status);
      await notifier.ready();
    },
    stopping: () => notifier.stopping(),
    dispose: () => {
      watchdog.cancel();
      loop.dispose();
      unsubscribe();
    },
  };
}
