import { randomInt } from 'node:crypto';
import { Scheduler } from '../clock/scheduler.js';
import { hrtimeClock } from '../clock/time-source.js';
import { ms } from '../clock/units.js';
import { SpinWakeup } from '../clock/wakeup.js';
import { Box } from '../box/box.js';
import { loadVoiceModel } from '../voices/voice-models.js';
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
}

/**
 * `antiphon start`: the box on real time and real hardware, its exchanges printed as drum
 * grids, until SIGINT or SIGTERM. With no pad it runs the labelled demo, and the first pad
 * plugged in takes over as the human.
 */
export async function runBox(hw: Hardware, config: Config, log: Logger, opts: BoxOptions, out: (line: string) => void): Promise<number> {
  const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock));
  // The device layer stamps input with performance.now(); the scheduler runs on hrtime.
  const toSchedulerMs = hrtimeClock.nowMs() - performance.now();
  const box = new Box({
    hardware: hw, scheduler, config, log, seed: config.perform.seed ?? randomInt(1, 2 ** 31), outputThreads: 'realtime',
    loadModel: (name, seed, placeholder) => loadVoiceModel(name, log, seed, 'worker', placeholder),
    inputToSchedulerMs: (t) => t + toSchedulerMs,
    surfaces: openSurfaces(config, log),
    ...(opts.configProblems ? { configProblems: opts.configProblems } : {}),
  });
  box.subscribe((e) => {
    if (e.kind === 'exchange') {
      const s = box.snapshot();
      const first = s.parameters.voices[0]?.values['model'];
      const classOf = (p: number): number => box.classOf(String(first), p);
      out(`\n${s.demo ? 'DEMO ' : ''}${renderExchange(e.exchange, classOf)}`);
    } else if (e.kind === 'demo') {
      if (e.on) {
        out('*** DEMO MODE: no drum pad found. A built-in call is answered by the model; plug in a pad to play. ***');
        if (box.placeholderModel) out('*** DEMO uses an UNTRAINED placeholder model: no trained model is installed under models/. ***');
      } else out('*** LIVE: a pad is the human; the demo has stopped. ***');
    }
  });
  await box.start();
  const service = serveSystemd(box, log);
  await service.ready();
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
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
    if (opts.runForMs !== undefined) scheduler.callAt(ms(scheduler.nowMs() + opts.runForMs), () => void stop(), 0, 'box-stop');
  });
}
