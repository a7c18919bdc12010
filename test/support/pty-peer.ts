import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * A real Linux pty standing in for a UART: `script` owns the master side (we talk to it
 * through its stdin/stdout pipes) and its child prints the slave's path and sleeps without
 * reading, so the slave's input goes only to whoever opens it. Killing `script` closes the
 * master, which is as close as a pty gets to pulling a USB serial adapter.
 */
export interface PtyPeer {
  readonly path: string;
  readonly received: number[];
  write(bytes: Uint8Array): void;
  /** The pipe into the master side, for timed writes from a ClockOutputThread. */
  readonly inputFd: number;
  kill(): void;
}

export function openPtyPeer(): Promise<PtyPeer> {
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-q', '-c', 'tty; exec sleep 3600', '/dev/null']);
  return new Promise((resolve, reject) => {
    let banner = '';
    const received: number[] = [];
    const onBanner = (chunk: Buffer): void => {
      banner += chunk.toString('latin1');
      const newline = banner.indexOf('\n');
      if (newline < 0) return;
      child.stdout.off('data', onBanner);
      const path = banner.slice(0, newline).trim();
      received.push(...Buffer.from(banner.slice(newline + 1), 'latin1'));
      child.stdout.on('data', (data: Buffer) => received.push(...data));
      if (!path.startsWith('/dev/')) reject(new Error(`script printed ${JSON.stringify(path)}, not a tty path`));
      resolve({
        path,
        received,
        write: (bytes) => child.stdin.write(bytes),
        // Node keeps the fd of a child's stdin pipe on its libuv handle; tests only.
        inputFd: (child.stdin as unknown as { _handle: { fd: number } })._handle.fd,
        kill: () => child.kill('SIGKILL'),
      });
    };
    child.stdout.on('data', onBanner);
    child.once('error', reject);
  });
}
