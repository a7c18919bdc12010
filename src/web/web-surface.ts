import { networkInterfaces } from 'node:os';
import type { BoxSurface, SurfaceContext } from '../box/surface.js';
import { EventStream } from './event-stream.js';
import { loadPageAssets } from './page-assets.js';
import { PageFeed } from './page-messages.js';
import type { WebConfig } from './web-config.js';
import { WebServer } from './web-server.js';

export interface WebSurfaceOptions {
  /** Batch window for the live stream, ms: well under a beat (a 16th at 300 BPM is 50 ms). */
  readonly flushMs?: number;
  /** Bytes a watcher may fall behind by before it is dropped. */
  readonly maxBufferedBytes?: number;
  readonly maxClients?: number;
  readonly heartbeatMs?: number;
  /** Told the page's addresses once it listens (the CLI prints them); the log gets them too. */
  readonly announce?: (urls: readonly string[]) => void;
}

/** The addresses a person can type for a server bound to `bind`: every LAN address for 0.0.0.0. */
export function pageUrls(bind: string, port: number): string[] {
  if (bind !== '0.0.0.0' && bind !== '::') return [`http://${bind.includes(':') ? `[${bind}]` : bind}:${port}/`];
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => `http://${a?.address ?? ''}:${port}/`);
  return [`http://localhost:${port}/`, ...lan];
}

/**
 * The live page as a box surface: it watches the bus, streams it to browsers at /events, and
 * (with the password) turns the page's buttons into BoxCommands with source 'web'.
 */
export class WebSurface implements BoxSurface {
  readonly name = 'web';
  #server: WebServer | undefined;
  #stream: EventStream | undefined;
  #unsubscribe: (() => void) | undefined;
  #port: number | undefined;

  constructor(
    private readonly config: WebConfig,
    private readonly o: WebSurfaceOptions = {},
  ) {}

  /** The port listened on (after start; useful with port 0 in tests). */
  get port(): number | undefined {
    return this.#port;
  }

  /** Watchers dropped for falling behind. */
  get dropped(): number {
    return this.#stream?.dropped ?? 0;
  }

  get watchers(): number {
    return this.#stream?.clientCount ?? 0;
  }

  async start(ctx: SurfaceContext): Promise<void> {
    const assets = loadPageAssets();
    const feed = new PageFeed(ctx.bus.snapshot());
    const writable = Boolean(this.config.password);
    const stream = new EventStream({
      timers: ctx.timers,
      flushMs: this.o.flushMs ?? 25,
      maxBufferedBytes: this.o.maxBufferedBytes ?? 256 * 1024,
      maxClients: this.o.maxClients ?? 64,
      heartbeatMs: this.o.heartbeatMs ?? 15_000,
      onDrop: (id, bytes) => ctx.log.info({ watcher: id, queuedBytes: bytes }, 'page watcher fell behind; dropped'),
    });
    const server = new WebServer({
      bus: ctx.bus,
      stream,
      assets,
      password: this.config.password || undefined,
      log: ctx.log,
      hello: () => JSON.stringify(feed.hello(ctx.bus.snapshot(), writable)),
    });
    this.#port = await server.listen(this.config.port, this.config.bind);
    this.#server = server;
    this.#stream = stream;
    this.#unsubscribe = ctx.bus.subscribe((e) => {
      const m = feed.message(e);
      if (m) stream.publish(JSON.stringify(m));
    });
    const urls = pageUrls(this.config.bind, this.#port);
    ctx.log.info({ urls, writable }, `live page at ${urls.join(' ')}`);
    this.o.announce?.(urls);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#stream?.close();
    await this.#server?.close();
    this.#server = undefined;
  }
}
