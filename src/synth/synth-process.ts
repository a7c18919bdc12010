import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A running synth process, as the supervisor needs it. Contract: `onExit` is called exactly
 * once, after the process is gone (including when it never started: `error` is then set,
 * e.g. ENOENT for a missing executable); `write` after exit is ignored.
 */
export interface SynthChild {
  readonly pid: number | undefined;
  /** One shell command line. */
  write(line: string): void;
  onExit(listener: (exit: { code: number | null; signal: string | null; error?: string }) => void): void;
  /** The synth's own messages (stderr), line by line. */
  onMessage(listener: (line: string) => void): void;
  kill(): void;
}

/** Starts a synth process: FluidSynth for real, a recording stand-in in tests. */
export type SynthSpawner = (command: string, args: readonly string[]) => SynthChild;

/** The real spawner: a child process with its shell on stdin. */
export const spawnSynth: SynthSpawner = (command, args) => {
  const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let exited = false;
  const exitListeners: ((e: { code: number | null; signal: string | null; error?: string }) => void)[] = [];
  const finish = (e: { code: number | null; signal: string | null; error?: string }): void => {
    if (exited) return;
    exited = true;
    for (const l of exitListeners) l(e);
  };
  child.on('error', (e: NodeJS.ErrnoException) => finish({ code: null, signal: null, error: e.code ?? e.message }));
  child.on('exit', (code, signal) => finish({ code, signal }));
  // A synth that dies with commands in flight must not take the box with it (EPIPE).
  child.stdin.on('error', () => undefined);
  const messages: ((line: string) => void)[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => messages.forEach((l) => l(line)));
  return {
    pid: child.pid,
    write: (line) => void (!exited && child.stdin.writable && child.stdin.write(`${line}\n`)),
    onExit: (l) => void exitListeners.push(l),
    onMessage: (l) => void messages.push(l),
    kill: () => {
      // Its shell ends with its stdin; SIGTERM for the rest, SIGKILL if it lingers. Unref'd,
      // so a box that is stopping never waits on its synth.
      child.stdin.end();
      child.kill('SIGTERM');
      setTimeout(() => !exited && child.kill('SIGKILL'), 2000).unref();
      child.unref();
      (child.stderr as unknown as { unref?: () => void }).unref?.();
    },
  };
};
