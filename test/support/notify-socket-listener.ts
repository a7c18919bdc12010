import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// Node cannot bind a Unix datagram socket, so the stand-in for systemd's notify socket is a
// few lines of Python. Like systemd it closes the fds a BARRIER=1 carries, which is what
// releases `systemd-notify` (it waits for that close).
const LISTENER = `
import array, json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"listening": True}), flush=True)
while True:
    msg, anc, _flags, _addr = s.recvmsg(65536, socket.CMSG_SPACE(16 * 4))
    fds = array.array("i")
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    for fd in fds:
        os.close(fd)
    print(json.dumps({"message": msg.decode("utf-8", "replace").split("\\n")}), flush=True)
`;

/** A notify socket that records every datagram's assignments (barriers left out). */
export interface NotifySocketListener {
  readonly socketPath: string;
  readonly messages: string[][];
  close(): Promise<void>;
}

export async function startNotifySocketListener(): Promise<NotifySocketListener> {
  const dir = mkdtempSync(join(tmpdir(), 'antiphon-notify-'));
  const socketPath = join(dir, 'notify.sock');
  const child = spawn('python3', ['-c', LISTENER, socketPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: string[][] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start python3 for the notify socket stand-in: ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`notify socket stand-in exited ${String(code)}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as { listening?: boolean; message?: string[] };
      if (parsed.listening) resolve();
      if (parsed.message && parsed.message[0] !== 'BARRIER=1') messages.push(parsed.message);
    });
  });
  return {
    socketPath,
    messages,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
