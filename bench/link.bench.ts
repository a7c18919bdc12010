/**
 * npm run bench:link — the box on a Link session, measured in a network namespace of its own
 * (loopback only; needs root and the abletonlink package built).
 *
 * - phase: where the box puts Link's beats (its bar lines and ticks come from this timeline)
 *   against the peer's own readings of its Link timeline, at every peer sample;
 * - tempo: how long a peer's tempo change takes to reach the box, and the tempo it settles on;
 * - bridge: MIDI clock bytes arriving at a pty (the DIN path: master clock + clock thread),
 *   against Link's tick times read off the peer; the reference is the same path driven by
 *   the box's own clock, against its own grid, in the same run.
 * Each with and without the model generating alongside. Env: LINK_BENCH_SECONDS (default 8).
 */
import { ClockOutputThread } from '../src/clock/clock-output-thread.js';
import { ClockService } from '../src/clock/clock-service.js';
import { Scheduler } from '../src/clock/scheduler.js';
import { ThreadedFdOut } from '../src/clock/threaded-outs.js';
import type { TickTimeline } from '../src/clock/tick-timeline.js';
import { hrtimeClock } from '../src/clock/time-source.js';
import { bpm, ms, msPerTick, ticks } from '../src/clock/units.js';
import { SpinWakeup } from '../src/clock/wakeup.js';
import type { AbletonLinkSession } from '../src/link/ableton-link-session.js';
import type { LinkSample } from '../src/link/link-session.js';
import { createLinkNetns, type LinkNetns } from '../test/support/link-netns.js';
import { openPtySink } from './pty-sink.js';
import { startGeneration } from './clock-generation-load.js';

const SECONDS = Number(process.env.LINK_BENCH_SECONDS ?? 8);
const FIRST_TEMPO = 97;
const SECOND_TEMPO = 131.5;
const sleep = (msec: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, msec)));

interface Quantiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function quantiles(errors: readonly number[]): Quantiles {
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

function row(name: string, errors: readonly number[]): string {
  const q = quantiles(errors);
  const f = (v: number): string => v.toFixed(4).padStart(8);
  return `${name.padEnd(52)} ${String(q.count).padStart(6)} ${f(q.p50)} ${f(q.p99)} ${f(q.max)}`;
}

/** Bridge over reference at the pty, same load: 1.0 means Link's MIDI clock is as good as the box's own. */
function ratioRow(label: string, bridge: readonly number[], reference: readonly number[]): string {
  const b = quantiles(bridge);
  const r = quantiles(reference);
  return `  bridge / reference ${label}: p50 x${(b.p50 / r.p50).toFixed(2)}, p99 x${(b.p99 / r.p99).toFixed(2)}, max x${(b.max / r.max).toFixed(2)}`;
}

/** Time error (ms) of `atMs` against the nearest tick of a Link timeline read at `s`. */
function linkTickError(s: LinkSample, atMs: number): number {
  const tick = (s.beat + ((atMs - s.atMs) * s.tempo) / 60_000) * 24;
  return (tick - Math.round(tick)) * msPerTick(s.tempo);
}

/** The peer reading nearest in time to `atMs` (readings are in time order). */
function nearest(samples: readonly LinkSample[], atMs: number): LinkSample | undefined {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid]?.atMs ?? 0) < atMs) lo = mid + 1;
    else hi = mid;
  }
  return samples[lo];
}

/** Link ticks from the first arrival to the last, each read off the peer reading of its time, counted inclusively. */
function linkTicksSpanned(readings: readonly LinkSample[], arrivals: readonly number[]): number {
  const tickOf = (at: number): number => {
    const s = nearest(readings, at);
    return s ? (s.beat + ((at - s.atMs) * s.tempo) / 60_000) * 24 : NaN;
  };
  return Math.round(tickOf(arrivals.at(-1) ?? NaN) - tickOf(arrivals[0] ?? NaN)) + 1;
}

interface Rig {
  readonly service: ClockService;
  readonly scheduler: Scheduler;
  finish(): Promise<number[]>;
}

async function rig(session: AbletonLinkSession | undefined): Promise<Rig> {
  const thread = new ClockOutputThread();
  const sink = await openPtySink(false);
  const out = new ThreadedFdOut('din', () => sink.fd, thread);
  const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 2 }));
  const service = new ClockService(scheduler, {
    tempo: bpm(FIRST_TEMPO),
    outputs: () => [out],
    mode: 'internal',
    ...(session ? { link: { session, startStopSync: false } } : {}),
  });
  service.begin();
  return {
    service,
    scheduler,
    finish: async () => {
      service.master.halt();
      scheduler.dispose();
      await sleep(50);
      await thread.dispose();
      return sink.finish();
    },
  };
}

async function reference(generating: boolean): Promise<{ rows: string[]; errors: number[] }> {
  const r = await rig(undefined);
  const load = generating ? startGeneration() : undefined;
  await sleep(SECONDS * 1000);
  const grid = r.service.master.grid as TickTimeline;
  const work = await load?.stop();
  const arrivals = (await r.finish()).slice(4);
  const errors = arrivals.map((a) => a - grid.timeOfTick(ticks(Math.round(grid.tickAt(ms(a))))));
  const label = generating ? '[gen]' : '[idle]';
  return {
    errors,
    rows: [
      row(`reference: own clock, MIDI clock at the pty ${label}`, errors),
      ...(work ? [`  (generation alongside: ${work.steps} steps, ${work.msPerStep.toFixed(2)} ms/step)`] : []),
    ],
  };
}

async function onLink(
  netns: LinkNetns,
  peer: AbletonLinkSession,
  generating: boolean,
  referenceErrors: readonly number[],
): Promise<string[]> {
  peer.setTempo(bpm(FIRST_TEMPO));
  await sleep(100);
  const box = await netns.start({ tempo: 120 });
  const r = await rig(box);
  const joinStart = performance.now();
  while (!(r.service.link?.clock.peers === 1 && Math.abs(r.service.transport.tempo - FIRST_TEMPO) < 0.001)) {
    if (performance.now() - joinStart > 2000) throw new Error('the box did not join the peer within 2 s');
    await sleep(2);
  }
  const joinedMs = performance.now() - joinStart;
  const readings: LinkSample[] = [];
  const boxReadings: LinkSample[] = [];
  box.onSample((s) => boxReadings.push(s));
  const phase: { at: number; err: number }[] = [];
  const raw: { at: number; err: number }[] = [];
  peer.onSample((s) => {
    readings.push(s);
    // Link itself: the box helper's newest reading, extrapolated to the peer's, no fitting.
    const mine = boxReadings.at(-1);
    if (mine) {
      const beat = mine.beat + ((s.atMs - mine.atMs) * mine.tempo) / 60_000;
      const shift = Math.round((beat - s.beat) / 4) * 4;
      if (mine.tempo === s.tempo || Math.abs(mine.tempo - s.tempo) < 0.01)
        raw.push({ at: s.atMs, err: ((s.beat + shift - beat) * 60_000) / mine.tempo });
    }
    const line = r.service.link?.clock.timeline;
    if (!line) return;
    // Beat counts differ by whole bars between peers; phase is what is shared.
    const boxBeat = line.tickAt(s.atMs) / 24;
    const peerBeat = s.beat + Math.round((boxBeat - s.beat) / 4) * 4;
    phase.push({ at: s.atMs, err: line.timeOfTick(ticks(peerBeat * 24)) - s.atMs });
  });
  const load = generating ? startGeneration() : undefined;
  await sleep((SECONDS * 1000) / 2);
  const changedAt = hrtimeClock.nowMs();
  peer.setTempo(bpm(SECOND_TEMPO));
  while (Math.abs(r.service.transport.tempo - SECOND_TEMPO) > 0.001) await sleep(0.2);
  const tempoLatency = hrtimeClock.nowMs() - changedAt;
  await sleep((SECONDS * 1000) / 2);
  const tempoError = r.service.transport.tempo - (peer.latest()?.tempo ?? NaN);
  const work = await load?.stop();
  const arrivals = (await r.finish()).slice(4);
  await box.dispose();
  // The change and the beat over which MIDI clock glides onto the new grid (see LinkBridge).
  const around = (t: number): boolean =>
    t >= changedAt && t < changedAt + tempoLatency + 60_000 / SECOND_TEMPO + 2 * msPerTick(bpm(FIRST_TEMPO));
  const bridge = arrivals.map((a) => ({
    a,
    err: linkTickError(nearest(readings, a) ?? (readings[0] as LinkSample), a),
  }));
  const label = generating ? '[gen]' : '[idle]';
  const steady = bridge.filter((b) => !around(b.a)).map((b) => b.err);
  return [
    row(
      `phase: box Link timeline vs peer ${label}`,
      phase.filter((p) => !around(p.at)).map((p) => p.err),
    ),
    row(
      `Link itself: box helper's raw reading vs peer ${label}`,
      raw.filter((p) => !around(p.at)).map((p) => p.err),
    ),
    row(
      `phase, readings during the tempo change ${label}`,
      phase.filter((p) => around(p.at)).map((p) => p.err),
    ),
    row(`bridge: MIDI clock at the pty vs Link ticks ${label}`, steady),
    row(
      `bridge, ticks during the change and glide ${label}`,
      bridge.filter((b) => around(b.a)).map((b) => b.err),
    ),
    ratioRow(label, steady, referenceErrors),
    `  F8s at the pty ${arrivals.length} for ${linkTicksSpanned(readings, arrivals)} Link ticks spanned (equal: none lost or doubled)`,
    `  joined in ${joinedMs.toFixed(0)} ms; tempo ${FIRST_TEMPO} -> ${SECOND_TEMPO} reached the box in ${tempoLatency.toFixed(1)} ms; tempo error after ${tempoError.toExponential(2)} BPM`,
    ...(work ? [`  (generation alongside: ${work.steps} steps, ${work.msPerStep.toFixed(2)} ms/step)`] : []),
  ];
}

async function main(): Promise<void> {
  console.log(
    `bench:link — ${SECONDS} s per run, peer at ${FIRST_TEMPO} then ${SECOND_TEMPO} BPM, in a network namespace; node ${process.version}`,
  );
  console.log('error = box time minus Link time (ms), absolute; goals: phase p99 <= 0.5 ms, max <= 1 ms');
  console.log(
    `${'measure'.padEnd(52)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
  );
  const netns = createLinkNetns();
  try {
    const peer = await netns.start({ tempo: FIRST_TEMPO });
    peer.enable();
    await sleep(700);
    for (const generating of [false, true]) {
      const ref = await reference(generating);
      for (const line of ref.rows) console.log(line);
      for (const line of await onLink(netns, peer, generating, ref.errors)) console.log(line);
    }
  } finally {
    await netns.dispose();
  }
}

await main();
