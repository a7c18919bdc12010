import type { NotifyMessage, SystemdNotifier } from './notifier.js';
import { extendTimeoutAssignment, statusAssignment } from './notifier.js';

/** The notifier's simulator: keeps every message, in order, for tests to read. */
export class RecordingNotifier implements SystemdNotifier {
  readonly active = true;
  readonly messages: NotifyMessage[] = [];

  constructor(readonly watchdogIntervalMs: number | undefined = undefined) {}

  /** The STATUS= texts sent so far. */
  get statuses(): string[] {
    return this.messages.flatMap((m) => m.filter((a) => a.startsWith('STATUS=')).map((a) => a.slice('STATUS='.length)));
  }

  /** How many messages contained `assignment` (e.g. 'WATCHDOG=1'). */
  count(assignment: string): number {
    return this.messages.filter((m) => m.includes(assignment)).length;
  }

  ready(): Promise<void> {
    return this.#record(['READY=1']);
  }

  status(text: string): Promise<void> {
    return this.#record([statusAssignment(text)]);
  }

  stopping(): Promise<void> {
    return this.#record(['STOPPING=1']);
  }

  watchdog(): Promise<void> {
    return this.#record(['WATCHDOG=1']);
  }

  extendTimeout(ms: number): Promise<void> {
    return this.#record([extendTimeoutAssignment(ms)]);
  }

  #record(message: NotifyMessage): Promise<void> {
    this.messages.push(message);
    return Promise.resolve();
  }
}

/** What the box uses when it does not run under systemd: every call does nothing. */
export const noopNotifier: SystemdNotifier = {
  active: false,
  watchdogIntervalMs: undefined,
  ready: () => Promise.resolve(),
  status: () => Promise.resolve(),
  stopping: () => Promise.resolve(),
  watchdog: () => Promise.resolve(),
  extendTimeout: () => Promise.resolve(),
};
