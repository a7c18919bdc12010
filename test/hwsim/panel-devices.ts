import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadModule } from './support/kmod.js';
import { waitFor } from './support/wait.js';

const HELPER = join(import.meta.dirname, 'panel-uinput.py');

/**
 * A real kernel event device made with uinput (python3 does the ioctls), linked into a
 * by-path-like folder under the name the overlay's devices would have.
 */
export class UinputDevice {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #closed = false;

  private constructor(
    proc: ChildProcessWithoutNullStreams,
    readonly link: string,
  ) {
    this.#proc = proc;
    createInterface({ input: proc.stdout }).on('line', (l) => this.#lines.push(l));
    proc.on('exit', () => (this.#closed = true));
  }

  /** Creates the device and links `dir/name` to its /dev/input/eventN. */
  static async create(dir: string, name: string): Promise<UinputDevice> {
    await loadModule('uinput');
    mkdirSync(dir, { recursive: true });
    const proc = spawn('python3', [HELPER, `antiphon-${name}`]);
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const dev = new UinputDevice(proc, join(dir, name));
    const node = await waitFor(
      () =>
        dev.#lines.find((l) => l.startsWith('/dev/input/event')) ??
        (dev.#closed ? Promise.reject(new Error(`uinput helper exited: ${stderr}`)) : undefined),
      { what: `uinput device ${name}`, timeoutMs: 20_000 },
    );
    rmSync(dev.link, { force: true });
    symlinkSync(node, dev.link);
    return dev;
  }

  /** Writes events (SYN_REPORTs included, as given) and waits until the helper wrote them all. */
  async write(events: readonly { type: number; code: number; value: number }[]): Promise<void> {
    const before = this.#lines.filter((l) => l === 'ok').length;
    this.#proc.stdin.write(events.map((e) => `${e.type} ${e.code} ${e.value}\n`).join(''));
    await waitFor(() => this.#lines.filter((l) => l === 'ok').length >= before + events.length, {
      what: `${events.length} uinput events written`,
      timeoutMs: 20_000,
    });
  }

  /**
   * Writes events while this process cannot read: the lines go to the helper, then the event
   * loop is blocked (Atomics.wait) for `stallMs`, long enough for the helper to write them all
   * under TCG, so the kernel's per-reader buffer (64 events) overruns for real and evdev
   * inserts SYN_DROPPED.
   */
  async writeStalled(events: readonly { type: number; code: number; value: number }[], stallMs = 5000): Promise<void> {
    const before = this.#lines.filter((l) => l === 'ok').length;
    // A pipe write of a few kB goes straight into the pipe, before the loop is blocked.
    this.#proc.stdin.write(events.map((e) => `${e.type} ${e.code} ${e.value}\n`).join(''));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stallMs);
    await waitFor(() => this.#lines.filter((l) => l === 'ok').length >= before + events.length, {
      what: `${events.length} uinput events written`,
      timeoutMs: 20_000,
    });
  }

  /** Destroys the device (an unplug) and removes the link. */
  async destroy(): Promise<void> {
    rmSync(this.link, { force: true });
    if (this.#closed) return;
    this.#proc.stdin.end();
    await waitFor(() => this.#closed, { what: 'the uinput helper to exit', timeoutMs: 10_000 });
  }
}

/** Removes a link folder made for UinputDevice. */
export function removeLinkDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
