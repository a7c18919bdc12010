import { get, type ClientRequest } from 'node:http';

/** A test's /events reader: every JSON message in arrival order, parsed. */
export interface SseReader {
  readonly messages: Record<string, unknown>[];
  /** Resolves when a message matching `pred` has arrived (rejects after `timeoutMs` of real time). */
  waitFor(
    pred: (m: Record<string, unknown>) => boolean,
    pump?: () => Promise<void>,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  readonly closed: Promise<void>;
  close(): void;
}

export function readEvents(port: number): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const messages: Record<string, unknown>[] = [];
    let buffer = '';
    let req: ClientRequest | undefined = undefined;
    let closedResolve: () => void = () => undefined;
    const closed = new Promise<void>((r) => (closedResolve = r));
    req = get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`/events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) messages.push(JSON.parse(data) as Record<string, unknown>);
        }
      });
      res.on('close', closedResolve);
      resolve({
        messages,
        closed,
        close: () => req?.destroy(),
        async waitFor(pred, pump, timeoutMs = 5000) {
          const until = Date.now() + timeoutMs;
          for (;;) {
            const found = messages.find(pred);
            if (found) return found;
            if (Date.now() > until)
              throw new Error(
                `no matching message in ${timeoutMs} ms; got kinds ${messages.map((m) => String(m['kind'])).join(',')}`,
              );
            if (pump) await pump();
            else await new Promise((r) => setTimeout(r, 10));
          }
        },
      });
    });
    req.on('error', reject);
  });
}

/** POSTs JSON with an optional password; returns the status and the parsed answer. */
export async function post(
  port: number,
  path: string,
  body: unknown,
  password?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      'Content-Type': 'application/json',
      ...(password === undefined ? {} : { Authorization: `Bearer ${password}` }),
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
