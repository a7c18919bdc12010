/** What `$WATCHDOG_USEC` / `$WATCHDOG_PID` say about this process. */
export type WatchdogSetting =
  | { readonly kind: 'off' }
  | { readonly kind: 'on'; readonly timeoutMs: number; readonly intervalMs: number }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads the watchdog settings systemd passes with `WatchdogSec=` (sd_watchdog_enabled(3)):
 * `WATCHDOG_USEC` is the timeout in microseconds; `WATCHDOG_PID`, when set, names the process
 * meant, so a child that inherited the variables does not ping for its parent. The ping
 * interval is half the timeout. A malformed value is reported by name, never thrown.
 */
export function watchdogFromEnv(env: NodeJS.ProcessEnv, pid: number): WatchdogSetting {
  const usecText = env['WATCHDOG_USEC'];
  if (usecText === undefined || usecText === '') return { kind: 'off' };
  if (!/^\d+$/.test(usecText))
    return { kind: 'invalid', reason: `WATCHDOG_USEC=${usecText} is not a whole number of microseconds` };
  const usec = Number(usecText);
  if (usec <= 0 || !Number.isSafeInteger(usec))
    return { kind: 'invalid', reason: `WATCHDOG_USEC=${usecText} is out of range` };
  const pidText = env['WATCHDOG_PID'];
  if (pidText !== undefined && pidText !== '') {
    if (!/^\d+$/.test(pidText)) return { kind: 'invalid', reason: `WATCHDOG_PID=${pidText} is not a process id` };
    if (Number(pidText) !== pid) return { kind: 'off' };
  }
  const timeoutMs = usec / 1000;
  return { kind: 'on', timeoutMs, intervalMs: timeoutMs / 2 };
}
