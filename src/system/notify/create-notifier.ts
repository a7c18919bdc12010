import type { SystemdNotifier } from './notifier.js';
import { noopNotifier } from './recording-notifier.js';
import type { NotifyLog, SendNotifyMessage } from './systemd-notify-command.js';
import { CommandNotifier, systemdNotifyCommand } from './systemd-notify-command.js';
import { watchdogFromEnv } from './watchdog-env.js';

export interface NotifierOptions {
  readonly log: NotifyLog;
  readonly env?: NodeJS.ProcessEnv;
  readonly pid?: number;
  /** How messages reach the socket (default: the `systemd-notify` command). */
  readonly send?: SendNotifyMessage;
}

/**
 * The notifier for this process: the real one when systemd gave us a `$NOTIFY_SOCKET`
 * (a unit with `Type=notify`), else the no-op, so `npm start` in a checkout behaves the same.
 * A malformed `$WATCHDOG_USEC` is logged and the watchdog left off.
 */
export function createSystemdNotifier(options: NotifierOptions): SystemdNotifier {
  const env = options.env ?? process.env;
  const socketPath = env['NOTIFY_SOCKET'];
  if (socketPath === undefined || socketPath === '') return noopNotifier;
  const watchdog = watchdogFromEnv(env, options.pid ?? process.pid);
  if (watchdog.kind === 'invalid')
    options.log.warn({ reason: watchdog.reason }, 'systemd watchdog: ignoring its settings');
  return new CommandNotifier({
    socketPath,
    watchdogIntervalMs: watchdog.kind === 'on' ? watchdog.intervalMs : undefined,
    send: options.send ?? systemdNotifyCommand(),
    log: options.log,
  });
}
