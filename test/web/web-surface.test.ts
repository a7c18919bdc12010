import { afterEach, describe, expect, it } from 'vitest';
import { WebSurface } from '../../src/web/web-surface.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';
import { post, readEvents, type SseReader } from './sse-client.js';

let sim: SimBox | undefined;
const readers: SseReader[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await sim?.box.stop();
  sim = undefined;
});

async function boxWithPage(password: string | undefined): Promise<{ sim: SimBox; web: WebSurface; port: number }> {
  const web = new WebSurface({
    enabled: true,
    port: 0,
    bind: '127.0.0.1',
    ...(password === undefined ? {} : { password }),
  });
  sim = await startSimBox({ surfaces: [web] });
  const port = web.port;
  if (port === undefined) throw new Error('the page did not listen');
  return { sim, web, port };
}

async function watch(port: number): Promise<SseReader> {
  const r = await readEvents(port);
  readers.push(r);
  return r;
}

describe('the live page on a whole box (virtual time)', () => {
  it('serves the page and every asset from the box, uPlot included, under a self-only policy', async () => {
    const { port } = await boxWithPage(undefined);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')) {
      expect(src.startsWith('/'), `${src} is served by the box`).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}${src}`)).status, src).toBe(200);
    }
    expect(await (await fetch(`http://127.0.0.1:${port}/uPlot.iife.min.js`)).text()).toContain('uPlot');
    expect((await fetch(`http://127.0.0.1:${port}/../package.json`)).status).toBe(404);
  });

  it('streams a hello with the state, then parameters, beats and exchanges as they happen', async () => {
    const { sim, port } = await boxWithPage('pw');
    const events = await watch(port);
    const hello = await events.waitFor((m) => m['kind'] === 'hello');
    expect(hello).toMatchObject({ writable: true, state: { demo: true, engine: 'idle' } });
    expect((hello['registry'] as { name: string }[]).map((p) => p.name)).toContain('temperature');
    sim.box.dispatch({ kind: 'set', param: 'temperature', voice: 'A', value: 1.5, source: 'test' });
    const pump = (): Promise<void> => sim.run(50);
    expect(await events.waitFor((m) => m['kind'] === 'parameter', pump)).toMatchObject({
      param: 'temperature',
      voice: 'A',
      value: 1.5,
      source: 'test',
    });
    await events.waitFor((m) => m['kind'] === 'beat', pump);
    const x = await events.waitFor((m) => m['kind'] === 'exchange', pump, 20_000);
    const exchange = x['exchange'] as {
      turns: { hits: unknown[]; logLikelihood: { perStep: number[]; total: number } }[];
      call: { hits: unknown[] };
    };
    expect(exchange.call.hits.length).toBeGreaterThan(0);
    expect(exchange.turns[0]?.logLikelihood.perStep.length).toBeGreaterThan(0);
    expect(Number.isFinite(exchange.turns[0]?.logLikelihood.total)).toBe(true);
    sim.box.dispatch({ kind: 'transport', play: false, source: 'test' });
    expect(await events.waitFor((m) => m['kind'] === 'transport', pump)).toMatchObject({
      transport: { playing: false, recordArmed: true },
    });
  });

  it('takes commands only with the password, checks them, and dispatches them with source web', async () => {
    const { sim, port } = await boxWithPage('s3cret');
    const set = { kind: 'set', param: 'temperature', voice: 'A', value: 0.5 };
    const before = sim.box.snapshot().parameters.voices[0]?.values['temperature'];
    expect(before).not.toBe(0.5);
    expect((await post(port, '/command', set)).status).toBe(401);
    expect((await post(port, '/command', set, 'wrong')).status).toBe(401);
    expect(sim.box.snapshot().parameters.voices[0]?.values['temperature']).toBe(before);
    expect(await post(port, '/command', set, 's3cret')).toEqual({ status: 200, body: { ok: true } });
    expect(sim.box.snapshot().parameters.voices[0]?.values['temperature']).toBe(0.5);
    expect(sim.events.find((e) => e.kind === 'parameter')).toMatchObject({ source: 'web' });
    const bad = await post(port, '/command', { ...set, value: 9 }, 's3cret');
    expect(bad).toEqual({ status: 400, body: { ok: false, error: 'temperature: 9 is outside 0.1..2' } });
    expect((await post(port, '/command', { kind: 'set', param: 'nope', value: 1 }, 's3cret')).body['error']).toBe(
      "no parameter named 'nope'",
    );
    expect((await post(port, '/command', { kind: 'explode' }, 's3cret')).status).toBe(400);
    expect((await post(port, '/command', { kind: 'mutate' }, 's3cret')).status).toBe(200);
    expect(
      sim.events.some((e) => e.kind === 'command' && e.command.kind === 'mutate' && e.command.source === 'web'),
    ).toBe(true);
    expect((await post(port, '/auth', {}, 's3cret')).status).toBe(200);
  });

  it('is read-only without a password: every change is refused with 403', async () => {
    const { sim, port } = await boxWithPage(undefined);
    const refused = await post(port, '/command', { kind: 'panic' }, 'anything');
    expect(refused.status).toBe(403);
    expect(String(refused.body['error'])).toContain('read-only');
    expect(sim.events.some((e) => e.kind === 'command')).toBe(false);
    const events = await watch(port);
    expect(await events.waitFor((m) => m['kind'] === 'hello')).toMatchObject({ writable: false });
  });

  it('ends the streams when the box stops, so pages know to reconnect', async () => {
    const { sim, port } = await boxWithPage(undefined);
    const events = await watch(port);
    await events.waitFor((m) => m['kind'] === 'hello');
    await sim.box.stop();
    await events.closed;
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
