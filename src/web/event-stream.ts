import type { ServerResponse } from 'node:http';
import type { TimerHandle, Timers } from '../clock/timers.js';

export interface EventStreamOptions {
  /** Paces the flushes (the box's housekeeping timers). */
  readonly timers: Timers;
  /** Events published within this window leave together, as one write per client. */
  readonly flushMs: number;
  /** A client with more than this many bytes still queued has fallen behind and is dropped. */
  readonly maxBufferedBytes: number;
  /** More connections than this are refused (503). */
  readonly maxClients: number;
  /** A comment line this often keeps proxies and phones from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Told when a client is dropped for falling behind. */
  readonly onDrop?: (clientId: number, bufferedBytes: number) => void;
}

interface Client {
  readonly id: number;
  readonly res: ServerResponse;
  /** Index in the pending batch from which this client has not yet seen events (it joined mid-window). */
  from: number;
}

/** Tells EventSource to come back after a second, so the page finds a restarted box by itself. */
const RETRY_MS = 1000;

/**
 * The Server-Sent Events fan-out behind /events. Each event is serialised once and batched
 * for a short window, then written to every client in one call. Writes never wait: a client
 * whose socket does not keep up accumulates queued bytes, and once they pass the bound it is
 * disconnected, so a slow phone costs the box a bounded amount of memory and no waiting.
 */
export class EventStream {
  readonly #clients = new Map<number, Client>();
  #pending: string[] = [];
  #flushTimer: TimerHandle | undefined;
  readonly #heartbeat: TimerHandle;
  #nextId = 1;
  #dropped = 0;

  constructor(private readonly o: EventStreamOptions) {
    this.#heartbeat = o.timers.every(o.heartbeatMs, () => this.#writeAll(':\n\n'));
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Clients disconnected for falling behind, since the start. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Takes over `res` as an event stream and sends it `hello` (the state now) first. Returns
   * false (and answers 503) when the stream is full.
   */
  add(res: ServerResponse, hello: string): boolean {
    if (this.#clients.size >= this.o.maxClients) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`too many watchers (${this.o.maxClients})\n`);
      return false;
    }
    const client: Client = { id: this.#nextId++, res, from: this.#pending.length };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.#clients.set(client.id, client);
    res.on('close', () => this.#clients.delete(client.id));
    this.#write(client, `retry: ${RETRY_MS}\n\n${frame(hello)}`);
    return true;
  }

  /** Queues one event (a JSON text) for every client; it leaves within `flushMs`. */
  publish(json: string): void {
    if (this.#clients.size === 0) return;
    this.#pending.push(frame(json));
    this.#flushTimer ??= this.o.timers.after(this.o.flushMs, () => this.flush());
  }

  /** Writes what is queued now (the timer calls this; tests and shutdown may too). */
  flush(): void {
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    const pending = this.#pending;
    this.#pending = [];
    if (pending.length === 0) return;
    const all = pending.join('');
    for (const c of [...this.#clients.values()]) {
      const chunk = c.from === 0 ? all : pending.slice(c.from).join('');
      c.from = 0;
      if (chunk) this.#write(c, chunk);
    }
  }

  /** Ends every stream (the box is stopping); clients reconnect to the next box by themselves. */
  close(): void {
    this.#heartbeat.cancel();
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    this.#pending = [];
    for (const c of this.#clients.values()) c.res.end();
    this.#clients.clear();
  }

  #writeAll(chunk: string): void {
    for (const c of [...this.#clients.values()]) this.#write(c, chunk);
  }

  #write(c: Client, chunk: string): void {
    if (c.res.destroyed) {
      this.#clients.delete(c.id);
      return;
    }
    c.res.write(chunk);
    const queued = c.res.writableLength;
    if (queued > this.o.maxBufferedBytes) {
      // Fallen behind: let it go rather than hold the box's memory for it. Its EventSource
      // reconnects and gets a fresh snapshot if the reader ever catches up.
      this.#clients.delete(c.id);
      this.#dropped++;
      c.res.destroy();
      this.o.onDrop?.(c.id, queued);
    }
  }
}

/** One SSE message: `data:` per line (JSON has none, but a stray newline must not split an event). */
function frame(json: string): string {
  return `data: ${json.replace(/\n/g, '\ndata: ')}\n\n`;
}
