/**
 * Host-side peer of the guest's DIN UART (/dev/ttyS1 via QEMU's Unix socket): a loopback
 * cable (every byte comes back, as din-loopback.ts), plus a clock source a guest suite can
 * command in-band with a non-commercial sysex, F0 7D 41 4E 54 <command> ... F7:
 *
 * - 01 tempoHi tempoLo jitter seconds: stop echoing; send Start and F8 at tempo/10 BPM
 *   (14 bits) with ±jitter/10 ms of uniform jitter for `seconds`, then fall silent (a cable
 *   pulled); record every byte the guest sends, with the host's monotonic time.
 * - 02: write HWSIM_OUT/din-clock-peer.json (what was sent and received) and echo again.
 */
import { connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';

const socketPath = process.env['HWSIM_DIN_SOCKET'];
const outDir = process.env['HWSIM_OUT'];
if (socketPath === undefined) {
  console.error('din-clock-peer: HWSIM_DIN_SOCKET is not set');
  process.exit(2);
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
let echo = true;
let echoed = 0;
let sysex: number[] | undefined;
let sent: number[] = [];
let received: { t: number; b: number }[] = [];
let seed = 12345;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function playClock(sock: Socket, tempo: number, jitterMs: number, seconds: number): void {
  const period = 60_000 / (tempo * 24);
  const t0 = nowMs() + 50;
  const count = Math.floor((seconds * 1000) / period);
  sock.write(Uint8Array.of(0xfa));
  let n = 0;
  const next = (): void => {
    if (n >= count) return;
    const due = t0 + n * period + (random() * 2 - 1) * jitterMs;
    const wait = due - nowMs();
    if (wait > 2) {
      setTimeout(next, wait - 1.5);
      return;
    }
    while (nowMs() < due) {
      // spin the last stretch: the host is busy, setTimeout alone is ms-coarse
    }
    sock.write(Uint8Array.of(0xf8));
    sent.push(nowMs());
    n++;
    setImmediate(next);
  };
  next();
}

function command(sock: Socket, body: number[]): void {
  const [cmd, a = 0, b = 0, c = 0, d = 0] = body;
  if (cmd === 0x01) {
    echo = false;
    sent = [];
    received = [];
    console.log(`din-clock-peer: clock ${((a << 7) | b) / 10} BPM ±${c / 10} ms for ${d} s`);
    playClock(sock, ((a << 7) | b) / 10, c / 10, d);
  } else if (cmd === 0x02 && outDir !== undefined) {
    writeFileSync(`${outDir}/din-clock-peer.json`, JSON.stringify({ sent, received }));
    echo = true;
  }
}

function onBytes(sock: Socket, chunk: Buffer): void {
  const t = nowMs();
  // Echo mode carries only control traffic and tests' own bytes: log them for peer.log.
  if (echo) console.log(`din-clock-peer: got ${chunk.toString('hex')}`);
  for (const byte of chunk) {
    if (!echo) received.push({ t, b: byte });
    if (byte === 0xf0) sysex = [];
    else if (byte === 0xf7 && sysex) {
      if (sysex[0] === 0x7d && sysex[1] === 0x41 && sysex[2] === 0x4e && sysex[3] === 0x54)
        command(sock, sysex.slice(4));
      sysex = undefined;
    } else if (sysex && byte < 0x80) sysex.push(byte);
  }
  if (echo) {
    echoed += chunk.length;
    sock.write(chunk);
  }
}

const deadline = Date.now() + 30_000;
let connected = false;
function attempt(path: string): void {
  const sock = connect(path);
  sock.once('connect', () => {
    connected = true;
    console.log(`din-clock-peer: connected to ${path}`);
    sock.on('data', (chunk) => onBytes(sock, chunk));
  });
  sock.once('error', (error: NodeJS.ErrnoException) => {
    // QEMU powering off while we still play clock resets the link: that is the normal end.
    if (connected && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return;
    if (echoed === 0 && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') && Date.now() < deadline) {
      setTimeout(() => attempt(path), 50);
      return;
    }
    console.error(`din-clock-peer: ${error.message}`);
    process.exitCode = 1;
  });
  sock.once('close', (hadError) => {
    if (hadError) return;
    console.log(`din-clock-peer: QEMU closed the link after ${echoed} bytes echoed`);
    if (outDir !== undefined) writeFileSync(`${outDir}/din-peer.json`, JSON.stringify({ echoed }));
  });
}

attempt(socketPath);
