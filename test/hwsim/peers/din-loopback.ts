/**
 * Host-side peer of the guest's second UART (/dev/ttyS1, the 5-pin DIN MIDI port): a loopback
 * cable. Every byte the guest sends comes straight back, as if MIDI OUT were wired to MIDI IN.
 * hw-sim.sh starts it with HWSIM_DIN_SOCKET (QEMU's Unix socket) once QEMU listens; it exits 0
 * when QEMU closes the socket, and non-zero if it could not connect or the link failed.
 * It logs the byte count to HWSIM_OUT/din-peer.json for suites that want to check it.
 */
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';

const socketPath = process.env['HWSIM_DIN_SOCKET'];
const outDir = process.env['HWSIM_OUT'];
if (socketPath === undefined) {
  console.error('din-loopback: HWSIM_DIN_SOCKET is not set');
  process.exit(2);
}

let echoed = 0;
const deadline = Date.now() + 30_000;

function attempt(path: string): void {
  const sock = connect(path);
  sock.once('connect', () => {
    console.log(`din-loopback: connected to ${path}`);
    sock.on('data', (chunk) => {
      echoed += chunk.length;
      sock.write(chunk);
    });
  });
  sock.once('error', (error: NodeJS.ErrnoException) => {
    // QEMU may not accept yet: retry until the deadline, then fail loudly.
    if (echoed === 0 && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') && Date.now() < deadline) {
      setTimeout(() => attempt(path), 50);
      return;
    }
    console.error(`din-loopback: ${error.message}`);
    process.exitCode = 1;
  });
  sock.once('close', (hadError) => {
    if (hadError) return;
    console.log(`din-loopback: QEMU closed the link after ${echoed} bytes echoed`);
    if (outDir !== undefined) writeFileSync(`${outDir}/din-peer.json`, JSON.stringify({ echoed }));
  });
}

attempt(socketPath);
