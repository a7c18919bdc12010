import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BoxBus } from '../box/bus-types.js';
import type { Logger } from '../system/log.js';
import type { EventStream } from './event-stream.js';
import type { PageAsset } from './page-assets.js';
import { authorise, parsePageCommand } from './page-commands.js';

/** A command body is a few dozen bytes; anything near this is not from the page. */
const MAX_BODY_BYTES = 4096;

/** Everything the page needs comes from the box: the policy makes a stray CDN link fail in testing, not on stage. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
};

export interface WebServerOptions {
  readonly bus: BoxBus;
  readonly stream: EventStream;
  readonly assets: ReadonlyMap<string, PageAsset>;
  readonly password: string | undefined;
  /** The state now, as the JSON text a new page starts from. */
  readonly hello: () => string;
  readonly log: Logger;
}

/**
 * The page's HTTP side on node:http: the page and its assets, the live stream at /events,
 * the state at /state, and POST /command (and /auth, to check a password) for a page that
 * holds the password.
 */
export class WebServer {
  readonly #server: Server;

  constructor(private readonly o: WebServerOptions) {
    this.#server = createServer((req, res) => this.#handle(req, res));
    // Event streams stay open for hours; only idle non-stream sockets should time out.
    this.#server.requestTimeout = 0;
    this.#server.keepAliveTimeout = 5000;
  }

  /** Listens; resolves with the bound port (useful with port 0). Rejects with the OS error (EADDRINUSE ...). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        this.#server.on('error', (e) => this.o.log.warn({ err: e.message }, 'web server error'));
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and closes every connection, streams included. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://box').pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/events') return void this.o.stream.add(res, this.o.hello());
      if (path === '/state') return void send(res, 200, 'application/json', this.o.hello());
      const asset = this.o.assets.get(path === '/index.html' ? '/' : path);
      if (asset) return void send(res, 200, asset.type, asset.body);
      return void send(res, 404, 'text/plain', `no such page: ${path}\n`);
    }
    if (req.method === 'POST' && (path === '/command' || path === '/auth')) return this.#post(req, res, path);
    send(res, 405, 'text/plain', `${req.method ?? '?'} ${path}: not allowed\n`);
  }

  #post(req: IncomingMessage, res: ServerResponse, path: string): void {
    const auth = authorise(this.o.password, req.headers.authorization);
    if (auth === 'read-only')
      return void sendJson(res, 403, {
        ok: false,
        error: 'this box is read-only: set [web] password in antiphon.toml to allow changes',
      });
    if (auth === 'denied') return void sendJson(res, 401, { ok: false, error: 'wrong or missing password' });
    if (path === '/auth') return void sendJson(res, 200, { ok: true });
    readBody(req, (body) => {
      if (body === undefined)
        return void sendJson(res, 413, { ok: false, error: `command longer than ${MAX_BODY_BYTES} bytes` });
      const parsed = parsePageCommand(body, this.o.bus.snapshot());
      if (!parsed.ok) return void sendJson(res, 400, parsed);
      this.o.log.info({ command: parsed.command }, 'command from the page');
      this.o.bus.dispatch(parsed.command);
      sendJson(res, 200, { ok: true });
    });
  }
}

function readBody(req: IncomingMessage, done: (body: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) over = true;
    else chunks.push(c);
  });
  req.on('end', () => done(over ? undefined : Buffer.concat(chunks).toString('utf8')));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS }).end(body);
}

const sendJson = (res: ServerResponse, status: number, value: object): void =>
  send(res, status, 'application/json', JSON.stringify(value));
