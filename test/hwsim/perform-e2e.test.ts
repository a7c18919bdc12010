import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import { noteSequenceOf, readSmf } from '../../src/record/smf-read.js';
import { ServiceProcess } from './service-process.js';
import { rawMidiPath } from './support/alsa-cards.js';
import { RawMidiDevice } from './support/rawmidi.js';
import { startUdevd } from './support/udev.js';
import { UsbMidiGadget } from './support/usb-gadget.js';

/**
 * End to end on real kernel devices: a USB MIDI gadget plays a human drummer's 2-bar
 * pattern (the first two bars of a Groove MIDI Dataset performance at 120 BPM, read from
 * ../shared at test time) into `antiphon start`; the answer must come back on the gadget's
 * own port, starting on the expected bar line, as long as the call, with velocities, and
 * recorded as a .mid. Timing: no note may arrive early (beyond 5 ms), and every note's error
 * is measured and reported, with the box's own share (its USB output thread's write lateness,
 * from the 'antiphon stopped' log). Under TCG emulation on a shared 2-core machine that
 * thread's timed waits end p50 2-4 ms, p99 15-42 ms late (the emulated timer), and the way to
 * the pad (sequencer, snd-usb-audio, dummy_hcd, f_midi, the reader) adds ~5 ms more: measured
 * mean 8-11 ms, max 21-46 ms (answer) and 7-19 / 23-160 ms (chain) over five runs. So
 * lateness here is bounded by a beat, not by 5 ms: the real-time figure is the clock bench's
 * job (issue #5), not an emulated VM's.
 */
// Not "Antiphon…": the device layer takes a client of that name for the box's own port.
const PRODUCT = 'E2E Drum Pad';
const TOLERANCE_MS = 5;
/** The most an emulated VM may deliver late: one beat at 120 BPM (see the comment above). */
const EMULATED_LATE_BOUND_MS = 500;
const PATTERN = join(
  process.cwd(),
  '..',
  'shared',
  'data',
  'groove',
  'drummer1',
  'session1',
  '101_dance-disco_120_beat_4-4.mid',
);

const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps the test process (not the box) until `t` on CLOCK_MONOTONIC, sub-ms. */
function sleepUntil(t: number): void {
  for (let left = t - monoMs(); left > 0; left = t - monoMs()) Atomics.wait(sleeper, 0, 0, left);
}

interface Arrival {
  readonly atMs: number;
  readonly channel: number;
  readonly note: number;
  readonly velocity: number;
}

/**
 * Reads what the box sends to the pad in a worker thread blocked in read(2), time-stamping
 * each chunk the moment the kernel hands it over: no polling, so the reader neither steals
 * the emulated CPU from the box nor adds its own latency.
 */
function startReader(path: string, untilMs: number): Promise<{ t: number; bytes: number[] }[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const fd = fs.openSync(workerData.path, fs.constants.O_RDONLY);
    const buf = Buffer.alloc(512);
    const chunks = [];
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      const t = Number(process.hrtime.bigint()) / 1e6;
      if (n > 0) chunks.push({ t, bytes: [...buf.subarray(0, n)] });
      if (t > workerData.untilMs) break;
    }
    fs.closeSync(fd);
    parentPort.postMessage(chunks);`;
  const worker = new Worker(code, { eval: true, workerData: { path, untilMs } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function noteOns(chunks: { t: number; bytes: number[] }[]): Arrival[] {
  const decoder = new MidiStreamDecoder();
  const out: Arrival[] = [];
  for (const c of chunks) {
    decoder.feed(Uint8Array.from(c.bytes), (m) => {
      if (m.type === 'noteOn' && m.velocity > 0)
        out.push({ atMs: c.t, channel: m.channel, note: m.note, velocity: m.velocity });
    });
  }
  return out;
}

async function runExchange(mode: 'answer' | 'chain', voices: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-e2e-'));
  await startUdevd();
  const gadget = await UsbMidiGadget.create({
    name: `e2e${mode}`,
    vendorId: 0x1209,
    productId: 0x0003,
    product: PRODUCT,
    manufacturer: 'Antiphon Test',
    serialNumber: `AP-E2E-${mode}`,
    inPorts: 1,
    outPorts: 1,
  });
  cleanups.push(() => gadget.remove());
  // Plugged before the box starts: it finds the pad on its first scan and never starts the demo.
  gadget.plug();
  await gadget.hostCard(30_000);
  const svc = await ServiceProcess.start(
    [
      '[devices]',
      'ignore = ["f_midi"]',
      '[[devices.roles]]',
      `match = "${PRODUCT}"`,
      'roles = ["human", "response"]',
      '[data]',
      `dir = "${dataDir}"`,
      '[perform]',
      'tempo_bpm = 120',
      'seed = 7',
      `mode = "${mode}"`,
      ...voices,
    ].join('\n'),
    [],
    // The hw-sim VM may run under TCG emulation: loading node and a model takes a while there.
    180_000,
  );
  cleanups.push(async () => {
    await svc.stop();
    const out = process.env.HWSIM_OUT;
    if (out)
      writeFileSync(
        join(out, `perform-e2e-${mode}-service.jsonl`),
        `${svc.records.map((r) => JSON.stringify(r)).join('\n')}\n${svc.stdout.join('')}`,
      );
  });
  const started = svc.records.find((r) => r.msg === 'antiphon started');
  expect(svc.stdout.join('')).not.toContain('DEMO MODE');
  const songZero = Number(started?.songZeroMonoMs);
  const barMs = Number(started?.barMs);
  // A missing field would make the sleeps below wait forever (Atomics.wait on NaN): fail instead.
  if (!Number.isFinite(songZero) || !Number.isFinite(barMs))
    throw new Error(`'antiphon started' lacks songZeroMonoMs/barMs: ${JSON.stringify(started)}`);
  await svc.waitForLog(
    (r) => r.device === PRODUCT && r.msg === 'device roles' && Array.isArray(r.roles) && r.roles.includes('human'),
    'the pad to become the human',
    60_000,
  );
  // The pad's side of its one port: written here (non-blocking), read by a blocked worker.
  const path = rawMidiPath((await gadget.gadgetCard()).index, 0);
  const pad = RawMidiDevice.open(path, 'write');
  cleanups.push(() => pad.close());

  // The human: two bars of a recorded performance, played on the box's bar grid.
  const perf = noteSequenceOf(readSmf(readFileSync(PATTERN), PATTERN));
  const hits = perf.notes.filter((n) => n.startSec < 4 - 0.06);
  const callBar = Math.ceil((monoMs() + 1500 - songZero) / barMs);
  const t0 = songZero + callBar * barMs;
  // Two bars more than needed: a slipped answer is still heard (and then reported as a slip).
  const untilMs = songZero + (callBar + 3 + 2 * (voices.length > 0 ? 2 : 1) + 2) * barMs;
  const reading = startReader(path, untilMs);
  for (const n of hits) {
    sleepUntil(t0 + n.startSec * 1000);
    pad.write([0x99, n.pitch, n.velocity]);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, untilMs - monoMs())));
  const recorded = await svc.waitForLog((r) => r.msg === 'exchange recorded', 'the exchange to be recorded', 20_000);
  const callEnded = svc.records.find((r) => r.msg === 'call ended');
  const responses = svc.records.filter((r) => r.msg === 'response');
  // The box's own view: how late its sends left the process (the rest is ALSA + USB + the reader).
  // Stopping sends the box's panic (all-notes-off) to the pad, which also wakes the reader.
  await svc.stop();
  const arrivals = noteOns(await reading);
  const sendTiming = svc.records.find((r) => r.msg === 'antiphon stopped')?.sendTiming;
  return {
    svc,
    songZero,
    barMs,
    callBar,
    arrivals,
    file: String(recorded.record.file),
    callEnded,
    responses,
    hits,
    dataDir,
    sendTiming,
  };
}

/** Where the engine meant each response note to sound, from the recording (origin = one bar before the call). */
function intended(
  file: string,
  callBar: number,
  barMs: number,
  trackName: string,
): { atOffsetMs: number; note: number; velocity: number }[] {
  const smf = readSmf(readFileSync(file), file);
  const track = smf.tracks.find((t) => t.name === trackName);
  const ticksPerBar = smf.ticksPerBeat * 4;
  return (track?.notes ?? []).map((n) => ({
    atOffsetMs: (callBar - 1) * barMs + (n.startTick / ticksPerBar) * barMs,
    note: n.pitch,
    velocity: n.velocity,
  }));
}

/** Pairs each intended note with the nearest arrival of that pitch; returns the timing errors. */
function timingErrors(want: ReturnType<typeof intended>, got: Arrival[], songZero: number): number[] {
  const pool = [...got];
  return want.map((w) => {
    const at = songZero + w.atOffsetMs;
    let best = -1;
    pool.forEach((a, i) => {
      if (a.note === w.note && (best < 0 || Math.abs(a.atMs - at) < Math.abs((pool[best]?.atMs ?? Infinity) - at)))
        best = i;
    });
    const hit = pool.splice(best, 1)[0];
    return hit ? hit.atMs - at : Infinity;
  });
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

function report(name: string, errors: number[], box: unknown): void {
  const abs = errors.map(Math.abs);
  const summary = {
    box,
    notes: errors.length,
    meanErrorMs: abs.reduce((a, b) => a + b, 0) / Math.max(1, abs.length),
    maxErrorMs: Math.max(...abs),
    earliestMs: Math.min(...errors),
    latestMs: Math.max(...errors),
  };
  process.stdout.write(`PERFORM-E2E ${name} ${JSON.stringify(summary)}\n`);
  const out = process.env.HWSIM_OUT;
  if (out) writeFileSync(join(out, `perform-e2e-${name}.json`), JSON.stringify({ ...summary, errors }));
}

/** The answer left from the box's USB output thread (its own ALSA client), none from the main thread. */
function expectSentByTheUsbThread(sendTiming: unknown, notes: number): void {
  const timing = sendTiming as { main?: { sends?: number }; usb?: { count?: number } } | undefined;
  expect(timing?.main?.sends).toBe(0);
  // Note-ons and their note-offs.
  expect(timing?.usb?.count).toBeGreaterThanOrEqual(2 * notes);
}

describe('call and response through a USB MIDI pad (hw-sim)', () => {
  it(
    "one model: the answer comes back on the pad's port on the bar line, in time, with velocities, and is recorded",
    { timeout: 400_000 },
    async () => {
      expect(existsSync(PATTERN)).toBe(true);
      const x = await runExchange('answer', []);
      // 2 bars were played; an emulation stall can push the last hit over the bar line (3).
      const callBars = Number(x.callEnded?.bars);
      expect([2, 3]).toContain(callBars);
      // The call's bars, one silent bar, then the response.
      const responseBar = x.callBar + callBars + 1;
      expect(x.callEnded).toMatchObject({ reason: 'silence', startBar: x.callBar, responseBar });
      const turn = x.responses[0];
      expect(turn).toMatchObject({ voice: 'A', bars: callBars });
      const startBar = Number(turn?.startBar);
      expect(startBar).toBe(responseBar + Number(turn?.slippedBars));
      const want = intended(x.file, x.callBar, x.barMs, 'voice A');
      expect(want.length).toBeGreaterThan(0);
      // Expected length: everything inside the two response bars; velocities present and shaped.
      const start = x.songZero + startBar * x.barMs;
      expect(x.arrivals.length).toBe(want.length);
      expect(Math.min(...x.arrivals.map((a) => a.atMs))).toBeGreaterThanOrEqual(start - TOLERANCE_MS);
      expect(Math.max(...x.arrivals.map((a) => a.atMs))).toBeLessThan(
        start + callBars * x.barMs + EMULATED_LATE_BOUND_MS,
      );
      expect(x.arrivals.every((a) => a.velocity > 0 && a.channel === 9)).toBe(true);
      expect(new Set(x.arrivals.map((a) => a.velocity)).size).toBeGreaterThan(1);
      const errors = timingErrors(want, x.arrivals, x.songZero);
      report('answer', errors, x.sendTiming);
      expectSentByTheUsbThread(x.sendTiming, want.length);
      expect(Math.min(...errors)).toBeGreaterThanOrEqual(-TOLERANCE_MS);
      expect(Math.max(...errors)).toBeLessThanOrEqual(EMULATED_LATE_BOUND_MS);
      // The recording: call with the human's notes on its own track, the response on another, tempo 120.
      const smf = readSmf(readFileSync(x.file));
      expect(smf.tempos[0]?.microsecondsPerBeat).toBe(500_000);
      expect(smf.tracks.map((t) => t.name)).toEqual(['antiphon', 'call (human)', 'voice A']);
      expect(smf.tracks[1]?.notes.length).toBe(x.hits.length);
      expect(readdirSync(join(x.dataDir, 'recordings')).some((f) => f.endsWith('.mid'))).toBe(true);
      // A slip (generation too slow under emulation) moves the answer by whole bars, checked above
      // through startBar; it is reported in the box's log and counted, never sent late.
    },
  );

  it(
    "chain: A answers the pad, B answers A, both back on the pad's port, each on its bar line",
    { timeout: 400_000 },
    async () => {
      const voices = [
        '[[perform.voices]]',
        'name = "A"',
        'channel = 10',
        '[[perform.voices]]',
        'name = "B"',
        'channel = 11',
      ];
      const x = await runExchange('chain', voices);
      // Each answer is as long as what it answers (the call's length, as the box measured it:
      // a hit pushed across a bar line by emulation stalls can make the call one bar longer).
      const callBars = Number(x.callEnded?.bars);
      expect([2, 3]).toContain(callBars);
      expect(x.responses.map((r) => [r.voice, r.bars])).toEqual([
        ['A', callBars],
        ['B', callBars],
      ]);
      const aBar = Number(x.responses[0]?.startBar);
      expect(Number(x.responses[1]?.startBar)).toBe(aBar + callBars);
      const a = x.arrivals.filter((n) => n.channel === 9);
      const b = x.arrivals.filter((n) => n.channel === 10);
      const errors = [
        ...timingErrors(intended(x.file, x.callBar, x.barMs, 'voice A'), a, x.songZero),
        ...timingErrors(intended(x.file, x.callBar, x.barMs, 'voice B'), b, x.songZero),
      ];
      report('chain', errors, x.sendTiming);
      expectSentByTheUsbThread(x.sendTiming, errors.length);
      expect(Math.min(...a.map((n) => n.atMs))).toBeGreaterThanOrEqual(x.songZero + aBar * x.barMs - TOLERANCE_MS);
      expect(Math.min(...b.map((n) => n.atMs))).toBeGreaterThanOrEqual(
        x.songZero + (aBar + callBars) * x.barMs - TOLERANCE_MS,
      );
      expect(Math.max(...b.map((n) => n.atMs))).toBeLessThan(
        x.songZero + (aBar + 2 * callBars) * x.barMs + EMULATED_LATE_BOUND_MS,
      );
      expect(Math.min(...errors)).toBeGreaterThanOrEqual(-TOLERANCE_MS);
      expect(Math.max(...errors)).toBeLessThanOrEqual(EMULATED_LATE_BOUND_MS);
      const smf = readSmf(readFileSync(x.file));
      expect(smf.tracks.map((t) => t.name)).toEqual(['antiphon', 'call (human)', 'voice A', 'voice B']);
    },
  );
});
