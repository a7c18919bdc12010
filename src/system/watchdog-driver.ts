import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MonotonicClock } from '../clock/time-source.js';
import type { TimerHandle, Timers } from '../clock/timers.js';
import type { SystemdNotifier } from './notify/notifier.js';
import type { CheckFailure, HealthProbe, ThreadCheck, WatchdogLog } from './watchdog.js';
import { WatchdogHealth } from './watchdog.js';

/** A thread check with the means to ping that thread. */
export interface PingedThread extends ThreadCheck {
  /** Sends the thread a ping; the thread's answer must call `answered` on the main thread. */
  ping(answered: () => void): void;
}

export interface WatchdogDriverOptions {
  readonly notifier: SystemdNotifier;
  readonly timers: Timers;
  readonly clock: MonotonicClock;
  /** Worst event-loop delay (ms) since the previous call; see `eventLoopDelayMeter`. */
  readonly takeLoopDelayMs: () => number;
  readonly maxLoopDelayMs: number;
  readonly threads: readonly PingedThread[];
  readonly probes?: readonly HealthProbe[];
  readonly log: WatchdogLog;
  /**
   * Called when the set of failing checks changes (empty: all pass again), so that STATUS=
   * can say why the box is no longer petted before systemd restarts it.
   */
  readonly onFailuresChanged?: (failures: readonly CheckFailure[]) => void;
}

/**
 * Pets systemd's watchdog every `notifier.watchdogIntervalMs` (half of WatchdogSec) while
 * `WatchdogHealth` finds the box healthy. The timer runs on the main event loop on purpose:
 * a stalled loop stops the pets by itself. Does nothing when systemd set no watchdog.
 */
export function startWatchdog(options: WatchdogDriverOptions): TimerHandle {
  const intervalMs = options.notifier.watchdogIntervalMs;
  if (intervalMs === undefined) return { cancel: () => undefined };
  const health = new WatchdogHealth({
    maxLoopDelayMs: options.maxLoopDelayMs,
    threads: options.threads,
    ...(options.probes ? { probes: options.probes } : {}),
    log: options.log,
  });
  let failing = '';
  const byName = new Map(options.threads.map((t) => [t.name, t]));
  let stopped = false;
  const evaluate = (): void => {
    const verdict = health.evaluate(options.clock.nowMs(), options.takeLoopDelayMs());
    for (const name of verdict.ping) {
      byName.get(name)?.ping(() => {
        if (!stopped) health.answered(name);
      });
    }
    if (verdict.healthy) void options.notifier.watchdog();
    const now = verdict.failures.map((f) => f.check).join(',');
    if (now !== failing) options.onFailuresChanged?.(verdict.failures);
    failing = now;
  };
  evaluate();
  const timer = options.timers.every(intervalMs, evaluate);
  return {
    cancel: () => {
      stopped = true;
      timer.cancel();
    },
  };
}

/** Event-loop delay from perf_hooks, read and reset by each `takeMaxMs()`. */
export function eventLoopDelayMeter(resolutionMs = 20): { takeMaxMs(): number; dispose(): void } {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    takeMaxMs: () => {
      const maxMs = histogram.count > 0 ? histogram.max / 1e6 : 0;
      histogram.reset();
      return maxMs;
    },
    dispose: () => histogram.disable(),
  };
}
