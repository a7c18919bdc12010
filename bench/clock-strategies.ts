import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MasterClock } from '../src/clock/master-clock.js';
import type { MidiOut } from '../src/clock/midi-out.js';
import { Scheduler } from '../src/clock/scheduler.js';
import { hrtimeClock } from '../src/clock/time-source.js';
import { bpmFromMsPerTick } from '../src/clock/units.js';
import { SpinWakeup } from '../src/clock/wakeup.js';
import { TS_WORKER, tsWorkerData } from './timing-stats.js';

/** Times (monotonic ms) each tick was due and when the send call made it out. */
export interface StrategyRun {
  readonly due: number[];
  readonly sent: number[];
  /** For strategies that report a lateness histogram instead of each send (ms). */
  readonly summary?: {
    readonly count: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly over1ms?: number;
  };
}

export interface StrategyJob {
  /** Where F8 goes: writeSync to this fd (a pty slave standing in for the UART). */
  readonly fd: number;
  readonly periodMs: number;
  readonly ticks: number;
  /** Writes a tick some other way (e.g. the serialport package); default writeSync(fd). */
  readonly write?: (bytes: Uint8Array) => void;
  /** Put the thread that sends ticks on SCHED_FIFO (main-thread strategies: the caller does). */
  readonly realtime: boolean;
}

export type Strategy = (job: StrategyJob) => Promise<StrategyRun>;

const F8 = Uint8Array.of(0xf8);
const now = (): number => hrtimeClock.nowMs();
const due = (t0: number, job: StrategyJob): number[] =>
  Array.from({ length: job.ticks }, (_, n) => t0 + n * job.periodMs);
const writer = (job: StrategyJob): ((bytes: Uint8Array) => void) => job.write ?? ((bytes) => writeSync(job.fd, bytes));

/** Reference: the naive clock, setInterval at the period. Relative timing, so it drifts. */
export const naiveSetInterval: Strategy = (job) =>
  new Promise((resolve) => {
    const write = writer(job);
    const sent: number[] = [];
    const t0 = now() + 20;
    setTimeout(() => {
      sent.push(now());
      write(F8);
      const timer = setInterval(() => {
        sent.push(now());
        write(F8);
        if (sent.length >= job.ticks) {
          clearInterval(timer);
          resolve({ due: due(t0, job), sent });
        }
      }, job.periodMs);
    }, 20);
  });

/** Absolute deadlines with setTimeout only: no drift, but libuv's whole-ms timers. */
export const absoluteSetTimeout: Strategy = (job) =>
  new Promise((resolve) => {
    const write = writer(job);
    const sent: number[] = [];
    const t0 = now() + 20;
    const next = (): void => {
      sent.push(now());
      write(F8);
      if (sent.length >= job.ticks) return resolve({ due: due(t0, job), sent });
      setTimeout(next, Math.max(0, t0 + sent.length * job.periodMs - now()));
    };
    setTimeout(next, 20);
  });

/** The product's path: MasterClock on the Scheduler with SpinWakeup (setTimeout + spin). */
export function productMasterClock(spinMs: number): Strategy {
  return (job) =>
    new Promise((resolve) => {
      const write = writer(job);
      const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs }));
      const sent: number[] = [];
      const out: MidiOut = {
        id: 'bench',
        send: (bytes) => {
          sent.push(now());
          write(bytes);
          return true;
        },
      };
      const clock = new MasterClock(scheduler, {
        tempo: bpmFromMsPerTick(job.periodMs as never),
        outputs: () => [out],
      });
      const t0 = now() + 20;
      clock.onTick(() => {
        if (sent.length >= job.ticks) {
          clock.halt();
          scheduler.dispose();
          resolve({ due: due(t0, job), sent });
        }
      });
      clock.run(t0);
    });
}

/** setImmediate polling: no timer at all, the event loop spins (one core at 100%). */
export const immediatePolling: Strategy = (job) =>
  new Promise((resolve) => {
    const write = writer(job);
    const sent: number[] = [];
    const t0 = now() + 20;
    const poll = (): void => {
      if (now() >= t0 + sent.length * job.periodMs) {
        sent.push(now());
        write(F8);
        if (sent.length >= job.ticks) return resolve({ due: due(t0, job), sent });
      }
      setImmediate(poll);
    };
    setImmediate(poll);
  });

/** A dedicated worker thread: Atomics.wait + spin, writing the fd itself. */
export function workerThreadClock(spinMs: number): Strategy {
  const strategy: Strategy = (job) =>
    new Promise((resolve, reject) => {
      let t0 = 0;
      const worker = new Worker(TS_WORKER, {
        workerData: tsWorkerData('./clock-tick.worker.ts', {
          fd: job.fd,
          periodMs: job.periodMs,
          ticks: job.ticks,
          spinMs,
          realtime: job.realtime,
        }),
      });
      worker.on('message', (message: 'ready' | Float64Array) => {
        if (message === 'ready') {
          t0 = now() + 20;
          worker.postMessage(t0);
          return;
        }
        void worker.terminate();
        resolve({ due: due(t0, job), sent: [...message] });
      });
      worker.once('error', reject);
    });
  return Object.assign(strategy, { ownThread: true });
}

/**
 * The product's DIN path: MasterClock on a plain-timer Scheduler, with a ThreadedFdOut: the
 * ClockOutputThread generates the F8s itself from the master's grid (`ahead` only matters
 * for outputs the thread does not generate for). The thread does not report each write: its
 * own histogram (10 us bins, read after each write returned) gives p50/p99, its max is exact.
 */
export function productClockThread(spinMs: number, ahead: number): Strategy {
  const strategy: Strategy = async (job) => {
    const { ClockOutputThread, ThreadedFdOut } = await import('../src/clock/clock-output-thread.js');
    const thread = new ClockOutputThread({ spinMs, realtime: job.realtime });
    thread.onPriority((ok, detail) => {
      if (!ok) console.log(`  (clock thread stays at normal priority: ${detail})`);
    });
    const out = new ThreadedFdOut('din', () => job.fd, thread);
    const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
    const clock = new MasterClock(scheduler, {
      tempo: bpmFromMsPerTick(job.periodMs as never),
      outputs: () => [out],
      aheadTicks: ahead,
    });
    await thread.ready();
    const t0 = now() + 20;
    await new Promise<void>((resolve) => {
      clock.onTick((tick) => {
        if (tick.index + 1 >= job.ticks) {
          clock.halt();
          scheduler.dispose();
          resolve();
        }
      });
      clock.run(t0);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stats = await thread.stats();
    const lateness = thread.lateness();
    await thread.dispose();
    return { due: due(t0, job), sent: [], summary: { ...lateness, max: stats.maxLateMs } };
  };
  return Object.assign(strategy, { ownThread: true });
}
