import { Scheduler } from '../clock/scheduler.js';
import { hrtimeClock } from '../clock/time-source.js';
import { ms } from '../clock/units.js';
import { SpinWakeup } from '../clock/wakeup.js';
import { Box } from '../box/box.js';
import { loadVoiceModel } from '../voices/voice-models.js';
import { generatorWorkerMemory, watchGeneratorWorker } from '../voices/generator-worker-client.js';
import type { PrestartedOutputThreads } from '../clock/clock-output-prestart.js';
import type { Config, ConfigProblem } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';
import { renderExchange } from './drum-grid.js';
import { openSurfaces } from './surfaces.js';
import { serveSystemd } from './systemd-service.js';

export interface BoxOptions {
  /** Stop after this many ms (tests, demos); undefined runs until SIGINT/SIGTERM. */
  readonly runForMs?: number;
  readonly configProblems?: readonly ConfigProblem[];
  /** Output threads started with the CLI (main.ts): the box takes those it needs, the rest end. */
  readonly outputThreads?: PrestartedOutputThreads;
}

/**
 * `antiphon start`: the box on real time and real hardware, its exchanges printed as drum
 * grids, until SIGINT or SIGTERM. With no pad it runs the labelled demo, and the first pad
 * plugged in takes over as the human.
 */
export async function runBox(
  hw: Hardware,
  config: Config,
  log: Logger,
  opts: BoxOptions,
  out: (line: string) => void,
): Promise<number> {
  // performance.now() counts from the process's start: node itself, the CLI's modules, the config and the hardware so far.
  const enteredMs = performance.now();
  const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock));
  // The device layer stamps input with performance.now(); the scheduler runs on hrtime.
  const toSchedulerMs = hrtimeClock.nowMs() - performance.now();
  // Restarts a hung model worker (the clock plays on); fails the systemd watchdog if that does not help.
  const modelWorker = watchGeneratorWorker();
  const box = new Box({
    hardware: hw,
    scheduler,
    config,
    log,
    // Math.random, not node:crypto's randomInt: a sampling seed needs no crypto, whose
    // modules cost ~20 ms of start-up.
    seed: config.perform.seed ?? 1 + Math.floor(Math.random() * (2 ** 31 - 1)),
    outputThreads: 'realtime',
    adoptOutputThread: (name) => opts.outputThreads?.take(name),
    loadModel: (name, seed, placeholder) => loadVoiceModel(name, log, seed, 'worker', placeholder),
    inputToSchedulerMs: (t) => t + toSchedulerMs,
    surfaces: [
      ...openSurfaces(config, { announcePage: (urls) => out(`Live page: ${urls.join('  ')}`) }),
      modelWorker.surface,
    ],
    // Loaded only when [link] is enabled: a box without Link never reads its modules.
    openLink: async (link, o) => (await import('../link/open-link.js')).openLinkSession(link, o),
    ...(opts.configProblems ? { configProblems: opts.configProblems } : {}),
  });
  void opts.outputThreads?.releaseUnused();
  box.subscribe((e) => {
    if (e.kind === 'exchange') {
      const s = box.snapshot();
      const first = s.parameters.voices[0]?.values['model'];
      const classOf = (p: number): number => box.classOf(String(first), p);
      out(`\n${s.demo ? 'DEMO ' : ''}${renderExchange(e.exchange, classOf)}`);
    } else if (e.kind === 'demo') {
      if (e.on) {
        out('*** DEMO MODE: no drum pad found. A built-in call is answered by the model; plug in a pad to play. ***');
        if (box.placeholderModel)
          out('*** DEMO uses an UNTRAINED placeholder model: no trained model is installed under models/. ***');
      } else out('*** LIVE: a pad is the human; the demo has stopped. ***');
    }
  });
  const constructedMs = performance.now();
  await box.start();
  const service = serveSystemd(box, log, [modelWorker]);
  await service.ready();
  const readyMs = performance.now();
  log.info(
    {
      readyMs: round1(readyMs),
      phases: {
        untilBox: round1(enteredMs),
        assemble: round1(constructedMs - enteredMs),
        start: round1(readyMs - constructedMs),
        ...box.startupMs,
      },
      ...(opts.outputThreads ? { outputThreadsEarly: earlyThreads(opts.outputThreads) } : {}),
    },
    'startup',
  );
  void logMemory(log, 'start');
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      // The figures after playing, unless the worker is busy with a long generation: stopping does not wait for them.
      await Promise.race([logMemory(log, 'stop'), new Promise((r) => setTimeout(r, 200))]);
      // Note-offs on every output first, so systemd hears STOPPING only once nothing hangs.
      box.dispatch({ kind: 'panic', source: 'cli' });
      await service.stopping();
      service.dispose();
      await box.stop();
      scheduler.dispose();
      resolve(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    if (opts.runForMs !== undefined)
      scheduler.callAt(ms(scheduler.nowMs() + opts.runForMs), () => void stop(), 0, 'box-stop');
  });
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** When the output threads started with the CLI were started and reached their loops (ms from process start). */
function earlyThreads(threads: PrestartedOutputThreads): object {
  const ready = Object.entries(threads.readyAtMs).map(([name, at]) => [name, round1(at)]);
  return { startedAt: round1(threads.startedAtMs), readyAt: Object.fromEntries(ready) };
}
const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;

/**
 * One 'memory' line: the process's RSS and each isolate's heap as V8 reports it inside that
 * isolate (main here, the generator worker by one message). RSS cannot be split per thread;
 * bench:memory attributes it by starting the parts one at a time. Off the timing path: one
 * call now and one at stop.
 */
async function logMemory(log: Logger, at: 'start' | 'stop'): Promise<void> {
  const m = process.memoryUsage();
  const worker = await generatorWorkerMemory().catch(() => undefined);
  log.info(
    {
      at,
      rssMb: mb(m.rss),
      mainHeapMb: {
        used: mb(m.heapUsed),
        total: mb(m.heapTotal),
        external: mb(m.external),
        arrayBuffers: mb(m.arrayBuffers),
      },
      ...(worker
        ? {
            modelWorkerHeapMb: {
              used: mb(worker.heapUsed),
              total: mb(worker.heapTotal),
              external: mb(worker.external),
              wasmReserved: mb(worker.wasm),
              models: worker.models,
            },
          }
        : {}),
    },
    'memory',
  );
}
