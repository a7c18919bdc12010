import { describeMessage } from '../midi/describe.js';
import { DeviceService } from '../devices/device-service.js';
import { RoleBook } from '../devices/roles.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';

/** `antiphon monitor`: every message from every device, decoded, with its time. Runs until Ctrl-C. */
export function monitorCommand(
  hw: Hardware,
  log: Logger,
  pollMs: number,
  out: (line: string) => void,
): Promise<number> {
  const t0 = performance.now();
  const service = new DeviceService({
    ...hw,
    roles: new RoleBook(),
    pollMs,
    log,
    listener: {
      message: (d, { timeMs, message }) =>
        out(
          `${((timeMs - t0) / 1000).toFixed(4).padStart(10)}s  ${d.found.description.clientName.padEnd(24)} ${describeMessage(message)}`,
        ),
    },
  });
  service.start();
  out('monitoring all MIDI inputs; Ctrl-C to stop');
  return new Promise((resolve) => {
    const stop = (): void => {
      service.stop();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
