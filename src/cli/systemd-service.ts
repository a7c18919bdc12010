import type { Box } from '../box/box.js';
import { statusLine } from '../box/status-line.js';
import { hrtimeClock } from '../clock/time-source.js';
import { nodeTimers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { createSystemdNotifier } from '../system/notify/create-notifier.js';
import { eventLoopDelayMeter, startWatchdog } from '../system/watchdog-driver.js';

/** A loop stalled this long between two watchdog looks is a hung box (a GC or a model load is far shorter). */
const MAX_LOOP_DELAY_MS = 2_000;
/** An output thread that has not answered a ping this long is hung: it writes every few ms when healthy. */
const THREAD_ANSWER_MS = 2_000;

/**
 * The box as a systemd service (Type=notify): STATUS= whenever what the box does changes,
 * READY=1 once it can play, WATCHDOG=1 while it is healthy, STOPPING=1 after the panic. Under
 * `npm start` (no $NOTIFY_SOCKET) every call is a no-op.
 */
export function serveSystemd(
  box: Box,
  log: Logger,
): { ready(): Promise<void>; stopping(): Promise<void>; dispose(): void } {
  const notifier = createSystemdNotifier({ log });
  let status = '';
  const unsubscribe = box.subscribe(() => {
    const line = statusLine(box.snapshot());
    if (line === status) return;
    status = line;
    void notifier.status(line);
  });
  const loop = eventLoopDelayMeter();
  const threads = box.outputThreads.map(({ name, thread }) => ({
    name: `${name}-output-thread`,
    maxAnswerMs: THREAD_ANSWER_MS,
    // The thread answers a stats request only from its loop: a stuck thread never does.
    ping: (answered: () => void) => void thread.stats().then(answered),
  }));
  const watchdog = startWatchdog({
    notifier,
    timers: nodeTimers,
    clock: hrtimeClock,
    takeLoopDelayMs: () => loop.takeMaxMs(),
    maxLoopDelayMs: MAX_LOOP_DELAY_MS,
    threads,
    log,
  });
  return {
    ready: async () => {
      status = statusLine(box.snapshot());
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
