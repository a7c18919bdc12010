import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A pty whose master side is read by bench/pty-recorder.py, which stamps each arriving byte
 * with CLOCK_MONOTONIC: the serial write boundary, measured from outside this process.
 */
export interface PtySink {
  readonly path: string;
  readonly fd: number;
  /** Stops the recorder and returns the arrival time (ms) of each byte. */
  finish(): Promise<number[]>;
}

/** `realtime`: the recorder runs SCHED_FIFO 60, like a receiving device with its own CPU. */
export async function openPtySink(realtime: boolean): Promise<PtySink> {
  const script = new URL('./pty-recorder.py', import.meta.url).pathname;
  const [command, ...args] = realtime ? ['chrt', '-f', '60', 'python3', script] : ['python3', script];
  const child = spawn(command ?? 'python3', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const path = String(first.value).trim();
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
  return {
    path,
    fd,
    finish: async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      closeSync(fd);
      child.stdin.end();
      const result = await iterator.next();
      return (JSON.parse(String(result.value)) as number[]).map((ns) => ns / 1e6);
    },
  };
}
