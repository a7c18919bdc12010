import type { Timers } from '../clock/timers.js';
import type { GeneratorWorkerHost } from './generator-worker-host.js';
import {
  DEFAULT_WORKER_WATCH_LIMITS,
  GeneratorWorkerWatch,
  type WorkerWatchLimits,
} from './generator-worker-health.js';

/** Where the supervisor says what it did (pino's Logger fits). */
export interface SupervisorLog {
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface GeneratorWorkerSupervisorOptions {
  /** The host to watch now (the box's shared one is replaced when all its models went). */
  readonly host: () => GeneratorWorkerHost | undefined;
  readonly timers: Timers;
  readonly log: SupervisorLog;
  /** A problem for the musician (the box's bus). */
  readonly report?: (level: 'warning' | 'error', message: string) => void;
  readonly limits?: WorkerWatchLimits;
  /** How often to look (and ping an idle worker). */
  readonly checkEveryMs?: number;
  /** A hung thread not ended this long after `terminate()` cannot be stopped: escalate. */
  readonly stopLimitMs?: number;
}

/** The running supervision. */
export interface GeneratorWorkerSupervisor {
  /** Why the worker is beyond restarting (the systemd watchdog's model-worker check fails), or undefined. */
  failure(): string | undefined;
  stop(): void;
}

/**
 * Watches the model worker on the main thread's timers (`GeneratorWorkerWatch` decides):
 * pings it, restarts it when it hangs (the clock and outputs never wait for it, so the box
 * plays on, answering again once the models are loaded in the new worker), and escalates
 * through `failure()` when restarting does not help.
 */
export function superviseGeneratorWorker(o: GeneratorWorkerSupervisorOptions): GeneratorWorkerSupervisor {
  const limits = o.limits ?? DEFAULT_WORKER_WATCH_LIMITS;
  const stopLimitMs = o.stopLimitMs ?? 5_000;
  let watch = new GeneratorWorkerWatch(limits);
  let watched: GeneratorWorkerHost | undefined;
  let stopped = false;
  let escalated = false;
  /** Says so once, when the watch has given up on the worker. */
  const escalateOnce = (): void => {
    const failure = watch.failure;
    if (failure === undefined || escalated) return;
    escalated = true;
    o.log.error(
      { check: 'model-worker', failure },
      'model worker beyond restarting: the systemd watchdog stops petting',
    );
    o.report?.('error', failure);
  };
  const look = (): void => {
    const host = o.host();
    if (stopped || !host || host.closed) return;
    // A new host (the last model went and another came): its own history; an escalation stays.
    if (host !== watched && watch.failure === undefined) watch = new GeneratorWorkerWatch(limits);
    watched = host;
    const current = watch;
    const step = current.check(host.now(), host.activity());
    if (step.ping) {
      host.ping().then(
        () => current.pong(),
        () => current.pingLost(),
      );
    }
    if (step.restart) {
      const { why } = step.restart;
      o.log.warn({ check: 'model-worker', why }, 'model worker hung: restarting it (the clock plays on)');
      o.report?.('warning', `${why}; its models are loading again`);
      let ended = false;
      const deadline = o.timers.after(stopLimitMs, () => {
        if (ended || stopped) return;
        current.stopFailed(`its thread did not end within ${stopLimitMs / 1000} s of being terminated`);
        escalateOnce();
      });
      void host.restart(why).then(() => {
        ended = true;
        deadline.cancel();
      });
    }
    escalateOnce();
  };
  const timer = o.timers.every(o.checkEveryMs ?? 1_000, look);
  return {
    failure: () => watch.failure,
    stop: () => {
      stopped = true;
      timer.cancel();
    },
  };
}
