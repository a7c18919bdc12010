import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeTimers } from '../../src/clock/timers.js';
import { EventStream } from '../../src/web/event-stream.js';
import { readEvents, type SseReader } from './sse-client.js';

let server: Server | undefined;
let stream: EventStream | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  stream?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(
  o: Partial<ConstructorParameters<typeof EventStream>[0]> = {},
): Promise<{ port: number; stream: EventStream; drops: number[] }> {
  const drops: number[] = [];
  const s = new EventStream({
    timers: nodeTimers,
    flushMs: 5,
    maxBufferedBytes: 64 * 1024,
    maxClients: 30,
    heartbeatMs: 60_000,
    onDrop: (id) => drops.push(id),
    ...o,
  });
  stream = s;
  server = createServer((req, res) => void s.add(res, JSON.stringify({ kind: 'hello' })));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, stream: s, drops };
}

/** A watcher that connects and then never reads: its socket fills up. */
function stalledWatcher(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    cleanups.push(() => socket.destroy());
  });
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('EventStream', () => {
  it('batches events in a window and sends each once, in order, to every watcher', async () => {
    const { port, stream } = await serve();
    const readers: SseReader[] = [await readEvents(port), await readEvents(port)];
    cleanups.push(() => readers.forEach((r) => r.close()));
    for (let i = 0; i < 5; i++) stream.publish(JSON.stringify({ kind: 'n', i }));
    for (const r of readers) await r.waitFor((m) => m['i'] === 4);
    for (const r of readers) expect(r.messages.map((m) => m['i'] ?? m['kind'])).toEqual(['hello', 0, 1, 2, 3, 4]);
  });

  it('gives a watcher who joins mid-window only the events after its hello', async () => {
    const { port, stream } = await serve({ flushMs: 200 });
    const early = await readEvents(port);
    cleanups.push(() => early.close());
    stream.publish(JSON.stringify({ i: 1 }));
    const late = await readEvents(port);
    cleanups.push(() => late.close());
    await late.waitFor((m) => m['kind'] === 'hello');
    stream.publish(JSON.stringify({ i: 2 }));
    await late.waitFor((m) => m['i'] === 2);
    await early.waitFor((m) => m['i'] === 2);
    expect(late.messages.map((m) => m['i'] ?? m['kind'])).toEqual(['hello', 2]);
    expect(early.messages.map((m) => m['i'] ?? m['kind'])).toEqual(['hello', 1, 2]);
  });

  it('drops a watcher that stops reading, and the others go on receiving everything', async () => {
    const { port, stream, drops } = await serve();
    const good = await readEvents(port);
    cleanups.push(() => good.close());
    const stalled = await stalledWatcher(port);
    const closed = new Promise<void>((r) => stalled.once('close', () => r()));
    const big = 'x'.repeat(32 * 1024);
    // Enough to fill the kernel's socket buffers on both ends and then the bound.
    // The reader in this process gets its turn between writes, as a live phone would.
    for (let i = 0; i < 2000 && drops.length === 0; i++) {
      stream.publish(JSON.stringify({ i, big }));
      stream.flush();
      await wait(1);
    }
    expect(drops).toHaveLength(1);
    expect(stream.dropped).toBe(1);
    expect(stream.clientCount).toBe(1);
    // Reading again, it finds the stream ended by the box (what was queued, then the end).
    stalled.resume();
    await closed;
    stream.publish(JSON.stringify({ last: true }));
    await good.waitFor((m) => m['last'] === true, undefined, 10_000);
    const seen = good.messages.filter((m) => typeof m['i'] === 'number').map((m) => m['i']);
    expect(seen).toEqual(seen.map((_, i) => i));
  });

  it('refuses connections past the limit with 503', async () => {
    const { port } = await serve({ maxClients: 1 });
    const one = await readEvents(port);
    cleanups.push(() => one.close());
    await expect(readEvents(port)).rejects.toThrow('503');
  });
});
