import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BoxSurface } from '../../src/box/surface.js';
import type { MidiMessage } from '../../src/midi/message.js';
import { PARAMETERS } from '../../src/control/parameters.js';
import { ReferenceMidiDecoder } from '../support/reference-midi-decoder.js';
import { startSimBox } from '../support/sim-box.js';

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every MTrk chunk's bytes of a Standard MIDI File: delta times between running-status events, as the data set has them. */
function trackBytes(smf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 14;
  while (at + 8 <= smf.length) {
    const length =
      ((smf[at + 4] ?? 0) << 24) | ((smf[at + 5] ?? 0) << 16) | ((smf[at + 6] ?? 0) << 8) | (smf[at + 7] ?? 0);
    out.push(smf.subarray(at + 8, Math.min(smf.length, at + 8 + length)));
    at += 8 + length;
  }
  return out;
}

/** .mid files under `dir`, recursively, at most `max`. */
function midiFiles(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (out.length >= max) return;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.mid')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export interface FuzzOptions {
  readonly bytes: number;
  readonly seed: number;
  /** Folders of real MIDI (recordings, the data set); none: the fuzz makes its own. */
  readonly corpusDirs: readonly string[];
}

export interface FuzzReport {
  readonly bytes: number;
  readonly chunks: number;
  readonly messagesExpected: number;
  readonly messagesReceived: number;
  /** Index of the first message that differs from the reference decoder's, or -1. */
  readonly firstMismatch: number;
  readonly throws: number;
  /** The most CPU time a single chunk took through the decoder, device layer and box, ms (a hang shows here). */
  readonly slowestChunkMs: number;
  readonly wallMs: number;
  /** True when, after the fuzz and a reset of every parameter, a plain call got an answer. */
  readonly answersAfterwards: boolean;
  readonly parameterChanges: number;
}

/** Ways to damage a stream: flip bits, drop, duplicate, splice in status, realtime or sysex bytes. */
function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const out: number[] = [];
  for (const b of src) {
    const r = rnd();
    if (r < 0.01) out.push(b ^ (1 << Math.floor(rnd() * 8)));
    else if (r < 0.015) continue;
    else if (r < 0.02) out.push(b, b);
    else if (r < 0.023) out.push(0xf8, b);
    else if (r < 0.025) out.push(0x80 | Math.floor(rnd() * 0x80), b);
    else if (r < 0.026) out.push(0xf0, Math.floor(rnd() * 0x80), b);
    else if (r < 0.027) out.push(0xf7, b);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * Sends `bytes` of real and mutated MIDI into a running assembled box through a simulated
 * pad (the device layer's decoder and routing, the engine, the CC map), checks every message
 * the box decoded against the simple reference decoder on the same stream, then resets every
 * parameter and plays a clean call, which must be answered.
 */
export async function fuzzBox(o: FuzzOptions): Promise<FuzzReport> {
  const rnd = prng(o.seed);
  const corpus: Uint8Array[] = [];
  for (const dir of o.corpusDirs) for (const f of midiFiles(dir, 400)) corpus.push(...trackBytes(readFileSync(f)));
  if (corpus.length === 0)
    corpus.push(Uint8Array.from({ length: 4096 }, (_, i) => [0x99, 36 + (i % 12), 1 + (i % 126)][i % 3] ?? 0));
  const received: MidiMessage[] = [];
  const recorder: BoxSurface = {
    name: 'fuzz-recorder',
    start: (ctx) => void ctx.onDeviceMessage((_d, t) => received.push(t.message)),
    stop: () => undefined,
  };
  const sim = await startSimBox({
    logLevel: 'warn',
    keepEvents: false,
    surfaces: [recorder],
    config: { perform: { tempo_bpm: 120 } },
  });
  const pad = sim.plug({
    clientName: 'Fuzz Pad',
    inputs: ['Fuzz Pad MIDI 1'],
    outputs: ['Fuzz Pad MIDI 1'],
    usb: { vendorId: 0x1209, productId: 0xf022, serial: 'F', busPath: '1-4' },
  });
  await sim.run(500);
  let parameterChanges = 0;
  sim.box.subscribe((e) => void (e.kind === 'parameter' && parameterChanges++));
  const reference = new ReferenceMidiDecoder();
  const expected: MidiMessage[] = [];
  const started = performance.now();
  let sent = 0;
  let chunks = 0;
  let throws = 0;
  let slowest = 0;
  while (sent < o.bytes) {
    const base = corpus[Math.floor(rnd() * corpus.length)] ?? new Uint8Array();
    const from = Math.floor(rnd() * base.length);
    const piece =
      rnd() < 0.2
        ? Uint8Array.from({ length: 1 + Math.floor(rnd() * 256) }, () => Math.floor(rnd() * 256))
        : mutate(base.subarray(from, from + 1 + Math.floor(rnd() * 2048)), rnd);
    for (let at = 0; at < piece.length;) {
      const chunk = piece.subarray(at, at + 1 + Math.floor(rnd() * 64));
      at += chunk.length;
      expected.push(...reference.decode(chunk));
      // CPU time, not wall time: on a shared machine the process can wait seconds for a core.
      const t0 = process.cpuUsage();
      try {
        sim.backend.feed(`${pad}:0:input`, chunk);
      } catch {
        throws++;
      }
      const cpu = process.cpuUsage(t0);
      slowest = Math.max(slowest, (cpu.user + cpu.system) / 1000);
      sent += chunk.length;
      // Time moves on now and then, so calls end, answers are generated and played.
      if (++chunks % 64 === 0) await sim.run(2, 2);
    }
  }
  await sim.run(1000, 20);
  const wallMs = performance.now() - started;
  const decoded = received.splice(0);
  let firstMismatch = -1;
  const n = Math.max(expected.length, decoded.length);
  for (let i = 0; i < n && firstMismatch < 0; i++)
    if (JSON.stringify(expected[i]) !== JSON.stringify(decoded[i])) firstMismatch = i;
  // A musician would reset the knobs the noise turned; then a plain call must be answered.
  for (const p of PARAMETERS)
    for (const voice of p.scope === 'voice' ? sim.box.snapshot().parameters.voices.map((v) => v.name) : [undefined])
      sim.box.dispatch({ kind: 'reset', param: p.name, ...(voice ? { voice } : {}), source: 'test' });
  sim.box.dispatch({ kind: 'panic', source: 'test' });
  await sim.run(4000, 20);
  const exchangesBefore = sim.box.snapshot().stats.exchanges;
  const barMs = 2000;
  for (let step = 0; step < 16; step++) {
    sim.backend.feed(`${pad}:0:input`, [0x99, step % 4 === 0 ? 36 : 42, 100]);
    await sim.run(barMs / 16);
  }
  await sim.run(4 * barMs, 20);
  const answersAfterwards = sim.box.snapshot().stats.exchanges > exchangesBefore;
  await sim.box.stop();
  return {
    bytes: sent,
    chunks,
    messagesExpected: expected.length,
    messagesReceived: decoded.length,
    firstMismatch,
    throws,
    slowestChunkMs: slowest,
    wallMs,
    answersAfterwards,
    parameterChanges,
  };
}
