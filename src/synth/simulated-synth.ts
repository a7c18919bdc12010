import type { SynthChild, SynthSpawner } from './synth-process.js';

/**
 * The synth seam's simulator: a process that records the shell commands it is sent and can be
 * crashed or made to fail at start. It keeps the real contract: one exit per process, after
 * which writes are ignored; a start failure has no pid.
 */
export class SimulatedSynth implements SynthChild {
  readonly lines: string[] = [];
  readonly args: readonly string[];
  #exit: ((e: { code: number | null; signal: string | null; error?: string }) => void)[] = [];
  #exited = false;

  constructor(
    args: readonly string[],
    readonly pid: number | undefined,
  ) {
    this.args = args;
  }

  get exited(): boolean {
    return this.#exited;
  }

  write(line: string): void {
    if (!this.#exited) this.lines.push(line);
  }

  onExit(listener: (e: { code: number | null; signal: string | null; error?: string }) => void): void {
    this.#exit.push(listener);
  }

  onMessage(): void {}

  kill(): void {
    this.end({ code: null, signal: 'SIGTERM' });
  }

  /** The process ends (a crash: `{ code: null, signal: 'SIGSEGV' }`). */
  end(e: { code: number | null; signal: string | null; error?: string }): void {
    if (this.#exited) return;
    this.#exited = true;
    for (const l of this.#exit) l(e);
  }
}

/** A spawner of simulated synths; `missing` makes every start fail as a missing executable does. */
export function simulatedSpawner(o: { missing?: () => boolean } = {}): {
  spawn: SynthSpawner;
  started: SimulatedSynth[];
} {
  const started: SimulatedSynth[] = [];
  let pid = 1000;
  return {
    started,
    spawn: (_command, args) => {
      const missing = o.missing?.() ?? false;
      const child = new SimulatedSynth(args, missing ? undefined : pid++);
      started.push(child);
      if (missing) queueMicrotask(() => child.end({ code: null, signal: null, error: 'ENOENT' }));
      return child;
    },
  };
}
