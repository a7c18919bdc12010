import { Priority, type Scheduler } from '../clock/scheduler.js';
import type { Timers } from '../clock/timers.js';
import type { CcTarget } from '../control/cc-map.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { encodeMessage } from '../midi/encoder.js';
import type { TimedMidiMessage } from '../midi/message.js';
import type { Logger } from '../system/log.js';
import type { BoxBus } from './bus-types.js';
import type { BoxSurface, SurfaceContext } from './surface.js';
import { errorMessage } from '../util/error-message.js';

export interface SurfaceWiring {
  readonly bus: BoxBus;
  readonly scheduler: Scheduler;
  readonly timers: Timers;
  readonly log: Logger;
  readonly devices: () => readonly ConnectedDevice[];
  readonly inputListeners: Set<(d: ConnectedDevice, t: TimedMidiMessage) => void>;
  readonly deviceListeners: Set<() => void>;
  readonly learn: (controller: number, target: CcTarget) => void;
  readonly report: NonNullable<SurfaceContext['report']>;
}

let atCount = 0;

/** The one context every surface gets, built from the box's parts. */
export function surfaceContext(w: SurfaceWiring): SurfaceContext {
  const listen = <T>(set: Set<T>, l: T): (() => void) => {
    set.add(l);
    return () => set.delete(l);
  };
  return {
    bus: w.bus,
    timers: w.timers,
    log: w.log,
    now: () => w.scheduler.nowMs(),
    devices: w.devices,
    onDeviceMessage: (l) => listen(w.inputListeners, l),
    onDevicesChanged: (l) => listen(w.deviceListeners, l),
    sendToDevice: (device, message) => device.output?.send(encodeMessage(message)) ?? false,
    learnCc: w.learn,
    report: w.report,
    at(atMs, fn) {
      const tag = `surface-at:${atCount++}`;
      w.scheduler.callAt(atMs, () => fn(), Priority.note, tag);
      return { cancel: () => void w.scheduler.cancel(tag) };
    },
  };
}

/** Starts each surface; one that fails is reported and left out. */
export async function startSurfaces(
  surfaces: readonly BoxSurface[],
  ctx: SurfaceContext,
  failed: (name: string, error: string) => void,
): Promise<BoxSurface[]> {
  const started: BoxSurface[] = [];
  for (const s of surfaces) {
    try {
      await s.start(ctx);
      started.push(s);
    } catch (e) {
      failed(s.name, errorMessage(e));
    }
  }
  return started;
}

export async function stopSurfaces(surfaces: readonly BoxSurface[], log: Logger): Promise<void> {
  for (const s of surfaces) {
    try {
      await s.stop();
    } catch (e) {
      log.warn({ surface: s.name, err: errorMessage(e) }, 'surface did not stop cleanly');
    }
  }
}
