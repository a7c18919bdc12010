import type { TimerHandle, Timers } from '../clock/timers.js';
import type { Logger } from '../system/log.js';
import { DeviceManager, type DeviceListener } from './device-manager.js';
import type { HotplugSource } from './hotplug.js';
import type { MidiBackend } from './midi-backend.js';
import type { RoleBook } from './roles.js';
import { errorMessage } from '../util/error-message.js';

export interface DeviceServiceOptions {
  readonly backend: MidiBackend;
  readonly hotplug: HotplugSource;
  readonly roles: RoleBook;
  readonly pollMs: number;
  readonly ignore?: readonly string[];
  readonly log: Logger;
  readonly listener?: DeviceListener;
  /** Poll, scan-ladder and recheck timers (Node's on the box, the scheduler's on virtual time). */
  readonly timers: Timers;
  /** The clock the settle delay is measured on: the one the backend stamps input with. */
  readonly now: () => number;
}

/**
 * After a USB event the ALSA ports appear only once snd-usb-audio has probed the device,
 * tens to hundreds of ms later; scanning on this ladder catches them without a busy poll.
 */
const SCAN_LADDER_MS = [0, 20, 60, 130, 200, 350, 700];
/** See DeviceManagerOptions.settleMs; the ladder above rescans soon after it has passed. */
const SETTLE_MS = 100;
const RECHECK_MS = 40;

/** The device layer's I/O shell: timers, USB events and logging around the DeviceManager. */
export class DeviceService {
  readonly manager: DeviceManager;
  readonly #ladder = new Set<TimerHandle>();
  #poll: TimerHandle | undefined;
  #recheck: TimerHandle | undefined;

  constructor(private readonly opts: DeviceServiceOptions) {
    const { log } = opts;
    const extra = opts.listener ?? {};
    const label = (d: { found: { identity: string; description: { clientName: string } } }): object => ({
      device: d.found.description.clientName,
      identity: d.found.identity,
    });
    this.manager = new DeviceManager({
      backend: opts.backend,
      roles: opts.roles,
      ignore: opts.ignore ?? [],
      settleMs: SETTLE_MS,
      now: opts.now,
      listener: {
        attached: (d) => {
          log.info(
            { ...label(d), profile: d.found.profile?.id, input: d.input?.port.name, output: d.output?.port.name },
            'device attached',
          );
          extra.attached?.(d);
        },
        detached: (d, released) => {
          log.info({ ...label(d), releasedNotes: released.length }, 'device detached');
          extra.detached?.(d, released);
        },
        rolesChanged: (d) => {
          log.info({ ...label(d), roles: d.roles }, 'device roles');
          extra.rolesChanged?.(d);
        },
        message: (d, t) => {
          if (log.isLevelEnabled('trace'))
            log.trace({ device: d.found.description.clientName, type: t.message.type }, 'midi in');
          extra.message?.(d, t);
        },
        error: (identity, e) => {
          log.warn({ identity, err: e.message }, 'device could not be opened; will retry on the next scan');
          extra.error?.(identity, e);
        },
      },
    });
  }

  start(): void {
    const { hotplug, log, pollMs } = this.opts;
    hotplug.onChange((event, what) => {
      log.debug({ event, source: what }, 'hotplug event');
      this.#scanLadder();
    });
    // The backend lists ports off this thread and says when the list changed.
    this.opts.backend.onPortsChanged(() => this.#safeScan());
    this.#safeScan();
    this.#poll = this.opts.timers.every(pollMs, () => this.#safeScan());
  }

  stop(): void {
    this.#poll?.cancel();
    this.#recheck?.cancel();
    for (const t of this.#ladder) t.cancel();
    this.#ladder.clear();
    this.opts.hotplug.dispose();
    this.manager.dispose();
    this.opts.backend.dispose();
  }

  /** One ladder at a time: a burst of events (udev touches many nodes per card) restarts it. */
  #scanLadder(): void {
    for (const t of this.#ladder) t.cancel();
    this.#ladder.clear();
    for (const delay of SCAN_LADDER_MS) {
      const t = this.opts.timers.after(delay, () => {
        this.#ladder.delete(t);
        this.#safeScan();
      });
      this.#ladder.add(t);
    }
  }

  #safeScan(): void {
    try {
      this.manager.scan();
      // A device waiting to settle or for sysfs changes nothing ALSA would announce: look again soon.
      if (this.manager.waiting && !this.#recheck) {
        this.#recheck = this.opts.timers.after(RECHECK_MS, () => {
          this.#recheck = undefined;
          this.#safeScan();
        });
      }
    } catch (e) {
      // A scan that fails (ALSA hiccup during unplug) is retried by the next poll.
      this.opts.log.warn({ err: errorMessage(e) }, 'device scan failed');
    }
  }
}
