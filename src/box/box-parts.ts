import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import type { Scheduler } from '../clock/scheduler.js';
import type { LinkOpener } from '../link/open-link.js';
import type { Config } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';
import type { BoxSurface } from './surface.js';
import type { ModelLoader } from './voices.js';

/** Everything the box is built from. The CLI passes real parts; a test passes simulators and a virtual clock. */
export interface BoxParts {
  readonly hardware: Hardware;
  readonly scheduler: Scheduler;
  readonly config: Config;
  readonly log: Logger;
  readonly loadModel: ModelLoader;
  readonly seed: number;
  /** `realtime`: notes and clock leave from SCHED_FIFO threads (the box); `none`: the scheduler sends them (tests). */
  readonly outputThreads: 'realtime' | 'none';
  /** With `realtime`: a thread started before the box was assembled (the CLI's), taken instead of starting one. */
  readonly adoptOutputThread?: (name: 'usb' | 'din') => ClockOutputThread | undefined;
  /** Converts a device input stamp (hardware.now) to the scheduler's clock. */
  readonly inputToSchedulerMs: (deviceMs: number) => number;
  /** Control surfaces to start once the box can play (panel, Push 2, page, synth). */
  readonly surfaces?: readonly BoxSurface[];
  /** Opens the `[link]` session when it is enabled (openLinkSession; a simulated network in tests). */
  readonly openLink?: LinkOpener;
  /** Config problems found at load, shown as warnings on the bus. */
  readonly configProblems?: readonly { readonly path: string; readonly message: string }[];
}
