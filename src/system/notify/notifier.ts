/**
 * What the box tells systemd (sd_notify(3)). Every method resolves and never rejects: a
 * missing socket or a failed send is logged by the implementation, never thrown at the box,
 * which plays on whether or not systemd hears it.
 */
export interface SystemdNotifier {
  /** False for the no-op used when the box does not run under systemd (no NOTIFY_SOCKET). */
  readonly active: boolean;
  /**
   * How often to send WATCHDOG=1 (half of `$WATCHDOG_USEC`, as sd_watchdog_enabled(3)
   * advises), or undefined when systemd watches nothing for this process.
   */
  readonly watchdogIntervalMs: number | undefined;
  /** READY=1, once devices are scanned and the models are loaded. */
  ready(): Promise<void>;
  /** STATUS=text, shown by `systemctl status`. Line breaks and control characters become spaces. */
  status(text: string): Promise<void>;
  /** STOPPING=1, when shutdown starts (after the panic note-offs). */
  stopping(): Promise<void>;
  /** WATCHDOG=1. Call only while the box is healthy (see `WatchdogHealth`). */
  watchdog(): Promise<void>;
  /** EXTEND_TIMEOUT_USEC: asks for more start-up (or shutdown) time while slow work goes on. */
  extendTimeout(ms: number): Promise<void>;
}

/** One sd_notify datagram's assignments, e.g. `['READY=1', 'STATUS=listening']`. */
export type NotifyMessage = readonly string[];

/**
 * Turns a status text into one STATUS= assignment: sd_notify splits fields on newlines, and a
 * NUL or other control character cannot travel in a command-line argument, so each run of
 * them becomes one space.
 */
export function statusAssignment(text: string): string {
  return `STATUS=${text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()}`;
}

/** EXTEND_TIMEOUT_USEC= for a duration in ms (whole microseconds, at least 1 ms). */
export function extendTimeoutAssignment(ms: number): string {
  const usec = Number.isFinite(ms) && ms > 0 ? Math.max(1000, Math.round(ms * 1000)) : 1000;
  return `EXTEND_TIMEOUT_USEC=${String(usec)}`;
}
