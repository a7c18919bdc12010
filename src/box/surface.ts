import type { TimerHandle, Timers } from '../clock/timers.js';
import type { CcTarget } from '../control/cc-map.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import type { Logger } from '../system/log.js';
import type { BoxBus, BoxProblem } from './bus-types.js';

/**
 * What a control surface (the panel, Push 2, the web page, the synth) gets from the box:
 * the bus, timers on the box's clock, and the devices' raw MIDI for the surfaces that own a
 * device. A surface never reaches into the engine: it dispatches commands and reads state.
 */
export interface SurfaceContext {
  readonly bus: BoxBus;
  /** Housekeeping timers on the box's clock (virtual in tests). */
  readonly timers: Timers;
  /** The box's clock, in ms (the scheduler's). */
  readonly now: () => number;
  readonly log: Logger;
  /** The devices connected now. */
  devices(): readonly ConnectedDevice[];
  /** Every message from every device, after the box has routed it; returns the unsubscribe. */
  onDeviceMessage(listener: (device: ConnectedDevice, timed: TimedMidiMessage) => void): () => void;
  /** Called after devices come, go or change roles; returns the unsubscribe. */
  onDevicesChanged(listener: () => void): () => void;
  /** Sends to one device now (a surface's own lights); false when it is gone. */
  sendToDevice(device: ConnectedDevice, message: MidiMessage): boolean;
  /** MIDI-learn: from now on `controller` (on any device) drives `target`. */
  learnCc(controller: number, target: CcTarget): void;
  /**
   * Reports a problem on the bus (and the log), as the box's own are: a corrupt settings file,
   * a chip gone. Optional so hand-made contexts (benches, tests) need not provide it.
   */
  report?(level: BoxProblem['level'], code: BoxProblem['code'], message: string): void;
  /** Calls `fn` at the box-clock time `atMs` on the scheduler (for LEDs on the beat); never for heavy work. */
  at(atMs: number, fn: () => void): TimerHandle;
}

/** A part of the box that talks to it only through a SurfaceContext. */
export interface BoxSurface {
  readonly name: string;
  /** A surface that fails to start is reported and left out; the box plays on. */
  start(ctx: SurfaceContext): Promise<void> | void;
  stop(): Promise<void> | void;
}

/**
 * Reports a surface's problem on the bus (which also logs it), or only logs it where the
 * context has no `report`: a hand-made context (a bench, a test) must not swallow it.
 */
export function reportProblem(
  ctx: Pick<SurfaceContext, 'report' | 'log'>,
  level: BoxProblem['level'],
  code: BoxProblem['code'],
  message: string,
): void {
  if (ctx.report) ctx.report(level, code, message);
  else if (level === 'error') ctx.log.error({ code }, message);
  else ctx.log.warn({ code }, message);
}
