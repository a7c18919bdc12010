import { DeviceService } from '../devices/device-service.js';
import { RoleBook } from '../devices/roles.js';
import type { Config } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';

export interface StartOptions {
  /** Stop after this many ms (tests, demos); undefined runs until SIGINT/SIGTERM. */
  readonly runForMs?: number;
}

/** `antiphon start` (what `npm start` runs): the box. */
export function startCommand(hw: Hardware, config: Config, log: Logger, opts: StartOptions, out: (line: string) => void): Promise<number> {
  for (const m of hw.missing) log.warn({ missing: m }, 'hardware unavailable, continuing without it');
  const service = new DeviceService({
    ...hw,
    roles: new RoleBook(config.devices.roles),
    pollMs: config.devices.poll_ms,
    ignore: config.devices.ignore,
    log,
  });
  service.start();
  log.info({ backend: hw.backend.kind, hotplug: hw.hotplug.kind, pollMs: config.devices.poll_ms }, 'antiphon started');
  if (service.manager.devices().length === 0) {
    out('*** DEMO MODE: no MIDI devices found. Plug in a drum pad; the box is watching for it. ***');
  }
  return new Promise((resolve) => {
    const stop = (): void => {
      service.stop();
      log.info('antiphon stopped');
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (opts.runForMs !== undefined) setTimeout(stop, opts.runForMs).unref();
  });
}
