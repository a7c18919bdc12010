import { closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TimerHandle, Timers } from '../clock/timers.js';
import { EvdevParser, evdevRecordSize, type InputEvent } from './evdev-records.js';
import type { InputEventSource } from './input-source.js';

/** The part of the `epoll` package used here (it ships no types). */
interface EpollInstance {
  add(fd: number, events: number): EpollInstance;
  remove(fd: number): EpollInstance;
  close(): void;
}
interface EpollModule {
  Epoll: { new (cb: (err: Error | null, fd: number, events: number) => void): EpollInstance; EPOLLIN: number };
}

/** The epoll binding, or why it is unavailable (then the files are polled on a timer). */
function loadEpoll(): EpollModule | string {
  try {
    return createRequire(import.meta.url)('epoll') as EpollModule;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface EvdevSourceOptions {
  /** Folder of event devices, e.g. /dev/input/by-path. */
  readonly dir: string;
  /** File names starting with this (and ending in `-event`) are the panel's. */
  readonly prefix: string;
  readonly timers: Timers;
  readonly rescanMs?: number;
  /** Used only when epoll cannot be loaded. */
  readonly pollMs?: number;
  readonly recordSize?: 16 | 24;
}

interface OpenDevice {
  readonly fd: number;
  readonly parser: EvdevParser;
}

/**
 * The kernel's event devices, read as plain files: opened non-blocking and read when epoll
 * says they are readable, so no libuv threadpool thread sits in a blocking read (five
 * devices would otherwise starve every fs call in the box). Without the epoll binding the
 * files are polled every `pollMs` instead.
 */
export class EvdevInputSource implements InputEventSource {
  readonly kind = 'evdev';
  readonly #opts: EvdevSourceOptions;
  readonly #open = new Map<string, OpenDevice>();
  readonly #byFd = new Map<number, string>();
  readonly #buf: Buffer;
  #epoll: EpollInstance | undefined;
  #timers: TimerHandle[] = [];
  #listener: ((device: string, event: InputEvent) => void) | undefined;
  #onGone: ((device: string, reason: string) => void) | undefined;
  /** Why epoll is not used, if it is not. */
  readonly waitMode: string;

  constructor(opts: EvdevSourceOptions) {
    this.#opts = opts;
    this.#buf = Buffer.alloc((opts.recordSize ?? evdevRecordSize()) * 64);
    const epoll = loadEpoll();
    if (typeof epoll === 'string') this.waitMode = `polled every ${opts.pollMs ?? 4} ms (epoll unavailable: ${epoll})`;
    else {
      this.waitMode = 'epoll';
      this.#epoll = new epoll.Epoll((err, fd) => (err ? undefined : this.#drainFd(fd)));
      this.#epollIn = epoll.Epoll.EPOLLIN;
    }
  }

  #epollIn = 0;

  start(
    listener: (device: string, event: InputEvent) => void,
    onGone?: (device: string, reason: string) => void,
  ): void {
    this.#listener = listener;
    this.#onGone = onGone;
    this.rescan();
    this.#timers.push(this.#opts.timers.every(this.#opts.rescanMs ?? 2000, () => this.rescan()));
    if (!this.#epoll) this.#timers.push(this.#opts.timers.every(this.#opts.pollMs ?? 4, () => this.#drainAll()));
  }

  rescan(): void {
    if (!this.#listener) return;
    let names: string[];
    try {
      names = readdirSync(this.#opts.dir).filter((n) => n.startsWith(this.#opts.prefix) && n.endsWith('-event'));
    } catch {
      return; // no /dev/input/by-path yet: nothing of ours is plugged
    }
    for (const name of names) if (!this.#open.has(name)) this.#openDevice(name);
  }

  devices(): readonly string[] {
    return [...this.#open.keys()];
  }

  stop(): void {
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    for (const name of [...this.#open.keys()]) this.#close(name);
    this.#epoll?.close();
    this.#epoll = undefined;
    this.#listener = undefined;
  }

  #openDevice(name: string): void {
    let fd: number;
    try {
      fd = openSync(join(this.#opts.dir, name), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return; // vanished between readdir and open, or not ours to read: the next scan tries again
    }
    this.#open.set(name, { fd, parser: new EvdevParser(this.#opts.recordSize ?? evdevRecordSize()) });
    this.#byFd.set(fd, name);
    this.#epoll?.add(fd, this.#epollIn);
    this.#drainFd(fd); // events queued before we watched
  }

  #drainAll(): void {
    for (const { fd } of [...this.#open.values()]) this.#drainFd(fd);
  }

  #drainFd(fd: number): void {
    const name = this.#byFd.get(fd);
    const dev = name === undefined ? undefined : this.#open.get(name);
    if (name === undefined || !dev) return;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, this.#buf, 0, this.#buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return;
        this.#gone(name, `${code ?? 'error'}: ${(e as Error).message}`);
        return;
      }
      if (n === 0) {
        // An event device never reads 0 bytes; end of file means the writer (a test's FIFO) is gone.
        this.#gone(name, 'end of file');
        return;
      }
      for (const event of dev.parser.push(Buffer.from(this.#buf.subarray(0, n)))) this.#listener?.(name, event);
    }
  }

  #gone(name: string, reason: string): void {
    this.#close(name);
    this.#onGone?.(name, reason);
  }

  #close(name: string): void {
    const dev = this.#open.get(name);
    if (!dev) return;
    this.#open.delete(name);
    this.#byFd.delete(dev.fd);
    try {
      this.#epoll?.remove(dev.fd);
    } catch {
      // already gone from the set when the fd died
    }
    try {
      closeSync(dev.fd);
    } catch {
      // closing a dead device's fd can fail; it is released either way
    }
  }
}
