import { execFile } from 'node:child_process';
import type { NotifyMessage, SystemdNotifier } from './notifier.js';
import { extendTimeoutAssignment, statusAssignment } from './notifier.js';

/** How one send went. */
export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Sends one datagram's assignments to the socket; resolves with the outcome, never rejects. */
export type SendNotifyMessage = (socketPath: string, message: NotifyMessage) => Promise<SendOutcome>;

/** Where a notifier reports trouble (pino's Logger fits). */
export interface NotifyLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

/**
 * Sends through Debian's `systemd-notify` command, spawned asynchronously (the event loop
 * only pays for the spawn, about a millisecond; the send and the wait happen in the child).
 *
 * Why a command and not a binding: Node has no Unix datagram sockets, and the npm bindings
 * (`unix-dgram`, `sd-notify`) are native addons built from source at install time, which
 * would need a compiler and, for `sd-notify`, libsystemd-dev on every machine that runs
 * `npm ci`, and a cross build for each .deb architecture. `systemd-notify` is on every
 * systemd machine already. Its old race (the helper exits before systemd reads the message,
 * so systemd cannot tell which unit sent it) is gone since systemd 246: it sends a
 * BARRIER=1 after the message and waits until systemd has processed both (bookworm has 252,
 * trixie 257). We never pass `--no-block`, which would bring the race back. Messages come
 * from a child, not the main PID, so the unit needs `NotifyAccess=all`.
 *
 * A send that hangs (systemd wedged) is killed after `timeoutMs`.
 */
export function systemdNotifyCommand(command = 'systemd-notify', timeoutMs = 10_000): SendNotifyMessage {
  return (socketPath, message) =>
    new Promise((resolve) => {
      execFile(
        command,
        [...message],
        { env: { ...process.env, NOTIFY_SOCKET: socketPath }, timeout: timeoutMs, killSignal: 'SIGKILL' },
        (error, _stdout, stderr) => {
          if (!error) return resolve({ ok: true });
          const detail = stderr.trim() || error.message;
          resolve({ ok: false, reason: `${command} ${message.join(' ')}: ${detail}` });
        },
      );
    });
}

interface Pending {
  readonly message: NotifyMessage;
  /** Everyone waiting for this message (several, when watchdog pings were folded into it). */
  readonly waiters: (() => void)[];
}

/**
 * The real notifier: messages go out one at a time, in the order the box sent them (so a
 * STATUS never overtakes the READY before it). A WATCHDOG=1 asked for while another one is
 * still waiting is folded into it. A failed send is logged once, with its reason, until a
 * send works again; the box is never told (it must not stop playing because systemd is gone).
 */
export class CommandNotifier implements SystemdNotifier {
  readonly active = true;
  readonly #socketPath: string;
  readonly #send: SendNotifyMessage;
  readonly #log: NotifyLog;
  readonly #queue: Pending[] = [];
  #pumping = false;
  #failuresSinceLastSuccess = 0;

  constructor(options: {
    readonly socketPath: string;
    readonly watchdogIntervalMs: number | undefined;
    readonly send: SendNotifyMessage;
    readonly log: NotifyLog;
  }) {
    this.#socketPath = options.socketPath;
    this.watchdogIntervalMs = options.watchdogIntervalMs;
    this.#send = options.send;
    this.#log = options.log;
  }

  readonly watchdogIntervalMs: number | undefined;

  ready(): Promise<void> {
    return this.#enqueue(['READY=1']);
  }

  status(text: string): Promise<void> {
    return this.#enqueue([statusAssignment(text)]);
  }

  stopping(): Promise<void> {
    return this.#enqueue(['STOPPING=1']);
  }

  watchdog(): Promise<void> {
    const queued = this.#queue.find((pending) => pending.message[0] === 'WATCHDOG=1');
    if (queued) return new Promise((resolve) => queued.waiters.push(resolve));
    return this.#enqueue(['WATCHDOG=1']);
  }

  extendTimeout(ms: number): Promise<void> {
    return this.#enqueue([extendTimeoutAssignment(ms)]);
  }

  #enqueue(message: NotifyMessage): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push({ message, waiters: [resolve] });
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // Taken off the queue before sending: a ping asked for during this send is a new one.
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        this.#report(await this.#sendSafely(next.message), next.message);
        for (const done of next.waiters) done();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** A send that throws or rejects (against its contract) counts as a failed send. */
  async #sendSafely(message: NotifyMessage): Promise<SendOutcome> {
    try {
      return await this.#send(this.#socketPath, message);
    } catch (error) {
      return {
        ok: false,
        reason: `sending ${message.join(' ')} threw: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  #report(outcome: SendOutcome, message: NotifyMessage): void {
    if (outcome.ok) {
      if (this.#failuresSinceLastSuccess > 0) {
        this.#log.info({ failedSends: this.#failuresSinceLastSuccess }, 'systemd notify: sending works again');
      }
      this.#failuresSinceLastSuccess = 0;
      return;
    }
    if (this.#failuresSinceLastSuccess === 0) {
      this.#log.warn(
        { reason: outcome.reason, message: message.join(' ') },
        'systemd notify: send failed (logged once until it works again)',
      );
    }
    this.#failuresSinceLastSuccess++;
  }
}
