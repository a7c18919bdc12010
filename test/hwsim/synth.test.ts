import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Output } from '@julusian/midi';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeTimers } from '../../src/clock/timers.js';
import { liveArgs, SYNTH_CLIENT } from '../../src/synth/fluidsynth-args.js';
import { SYNTH_SCHEMA } from '../../src/synth/synth-config.js';
import { spawnSynth } from '../../src/synth/synth-process.js';
import { SynthSupervisor } from '../../src/synth/synth-supervisor.js';
import { ServiceProcess } from './service-process.js';
import { findSeqClient } from './support/alsa-seq.js';
import { loadModule } from './support/kmod.js';
import { sleep, waitFor } from './support/wait.js';
import { firstHitAfterBarLineMs } from './synth-answer-notes.js';
import {
  CAPTURE_BUFFER_MS,
  LOOPBACK_PLAYBACK,
  monoMs,
  onsetAfter,
  rmsBetween,
  startCapture,
  type Recording,
} from './synth-capture.js';

/**
 * The built-in sound on a real kernel: snd-aloop is the sound card, FluidSynth runs with the
 * box's own arguments on its playback side, and arecord records the capture side. Under TCG
 * emulation the synthesis competes with an emulated CPU, so the suite reports the latency at
 * 128, 256 and 2048 frames per period and asserts on 2048 (what holds here); the box test
 * runs with 2048 too. The latencies are this VM's, an upper bound for the Pi's.
 */
const VM_PERIOD = 2048;
const EMULATED_LATENCY_BOUND_MS = 500;
/** What FluidSynth's ALSA buffer holds ahead of the card: 2 periods of VM_PERIOD at 48 kHz, 85 ms. */
const PERIOD_LATENCY_MS = ((2 * VM_PERIOD) / 48_000) * 1000;
/**
 * How late the sound is, beyond PERIOD_LATENCY_MS, is the emulated host's business: the
 * sequencer's hand-over, FluidSynth rendering on an emulated CPU, snd-aloop's timer, the box's
 * output thread waking, whole-VM stalls. Measured at 2048 frames: note to sound p50 92-111 ms,
 * max 113-281 ms; the box's answers 121-350 ms after their first hit was due, and 1243 ms once
 * at a host load of 13, when the synth dropped every note at 128 and 256 frames (a dropped
 * first hit makes a later one the first sound). So the box test asserts the late side only as
 * "within the answer", and reports the figure; the early side is exact.
 */
/** Sound before its time: only the onset detector's and the trigger time's own error. */
const EARLY_TOLERANCE_MS = 20;
const SILENCE = 0.002;
const cleanups: (() => unknown)[] = [];
const out = process.env.HWSIM_OUT ?? tmpdir();
const note = (line: string): void => {
  console.log(line);
  appendFileSync(join(out, 'synth-figures.txt'), `${line}\n`);
};

beforeAll(async () => {
  await loadModule('snd-seq');
  await loadModule('snd-aloop');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startSynth(period: number, messages: string[]): SynthSupervisor {
  const supervisor = new SynthSupervisor({
    command: 'fluidsynth',
    launch: () => ({
      args: liveArgs({ ...SYNTH_SCHEMA.parse({}), period_size: period }, LOOPBACK_PLAYBACK),
    }),
    spawn: spawnSynth,
    timers: nodeTimers,
    now: monoMs,
    started: () => undefined,
    failed: (why) => messages.push(`failed: ${why}`),
    waiting: (why) => messages.push(`waiting: ${why}`),
    message: (l) => messages.push(l),
  });
  supervisor.start();
  cleanups.push(() => supervisor.stop());
  return supervisor;
}

/** The figures' words for a recording's continuity. */
const continuity = (r: Recording): string =>
  `${r.gaps.length === 0 ? 'continuous' : `NOT continuous (${r.gaps.join('; ')})`}, buffer ${r.bufferFrames} frames, exit lag ${r.exitLagMs.toFixed(0)} ms`;

function synthPort(): { send(bytes: number[]): void; close(): void } {
  const output = new Output();
  let index = -1;
  for (let i = 0; i < output.getPortCount(); i++) if (output.getPortName(i).startsWith(`${SYNTH_CLIENT}:`)) index = i;
  if (index < 0)
    throw new Error(
      `no ${SYNTH_CLIENT} port among ${Array.from({ length: output.getPortCount() }, (_, i) => output.getPortName(i)).join(', ')}`,
    );
  output.openPort(index);
  return { send: (b) => output.sendMessage(b), close: () => output.closePort() };
}

describe('FluidSynth as the box runs it, on snd-aloop', () => {
  it('sounds a note sent over the ALSA sequencer, and reports which period sizes hold under emulation', async () => {
    for (const period of [128, 256, VM_PERIOD]) {
      const messages: string[] = [];
      const supervisor = startSynth(period, messages);
      await waitFor(() => findSeqClient(SYNTH_CLIENT), {
        what: `the ${SYNTH_CLIENT} sequencer client`,
        timeoutMs: 60_000,
      });
      // Recorded from once the synth is up (its start took over 12 s on a loaded host), with a
      // stretch of silence before the first note.
      const capture = await startCapture(join(mkdtempSync(join(out, 'synth-')), `period-${period}.wav`), 12);
      await sleep(1500);
      const port = synthPort();
      const sent: number[] = [];
      for (let i = 0; i < 8; i++) {
        sent.push(monoMs());
        port.send([0x99, 36, 127]);
        await sleep(400);
        port.send([0x89, 36, 0]);
        await sleep(200);
      }
      port.close();
      const recording = await capture.finish();
      const wav = recording.wav;
      supervisor.stop();
      const latencies = sent.map((t) => {
        const at = t - capture.startMonoMs;
        const onset = onsetAfter(wav, at - 50, at + EMULATED_LATENCY_BOUND_MS);
        return onset === undefined ? Infinity : onset - at;
      });
      const sorted = [...latencies].sort((a, b) => a - b);
      const heard = latencies.filter((l) => Number.isFinite(l)).length;
      const lengthMs = (wav.samples.length / wav.sampleRate) * 1000;
      const anySound = onsetAfter(wav, 0, lengthMs);
      note(
        `synth latency, period ${period} x 2 at 48 kHz (TCG VM): ${heard}/8 notes heard; note to sound p50 ${sorted[4]?.toFixed(1)} ms, max ${sorted[7]?.toFixed(1)} ms; synth said: ${messages.filter((m) => /underrun|xrun|fail|error/i.test(m)).length} error/underrun lines (capture from ${capture.startMonoMs.toFixed(0)} mono ms, ${lengthMs.toFixed(0)} ms long, ${continuity(recording)}; first note at ${((sent[0] ?? 0) - capture.startMonoMs).toFixed(0)} ms, first sound at ${anySound?.toFixed(0) ?? 'none'} ms, RMS ${rmsBetween(wav, 0, lengthMs).toFixed(4)})`,
      );
      if (period !== VM_PERIOD) continue;
      expect(messages.filter((m) => /^(failed|waiting):/.test(m))).toEqual([]);
      // Sample positions are times only in a recording without holes.
      expect(recording.gaps, 'the capture lost no frames').toEqual([]);
      // Under TCG on a busy host FluidSynth drops some notes (measured 6/8 to 8/8 at 2048
      // frames); a broken path drops them all. Every note that sounds starts after it was sent.
      expect(heard).toBeGreaterThanOrEqual(4);
      for (const l of latencies.filter((x) => Number.isFinite(x))) expect(l).toBeGreaterThan(-EARLY_TOLERANCE_MS);
      // Before the first note: silence (nothing else plays into the card).
      expect(rmsBetween(wav, 0, (sent[0] ?? 0) - capture.startMonoMs - 50)).toBeLessThan(SILENCE);
    }
  }, 240_000);

  it('a capture that overruns says so and hears a note early by what it lost; the suite’s buffer rides out the same stall', async () => {
    // arecord stopped for a second, as an emulation stall stops it, then a note: with a short
    // buffer the stream overruns and restarts and the stall's frames are missing, so the note
    // reads about a second early; with CAPTURE_BUFFER_MS the same stall loses nothing.
    const STALL_MS = 1000;
    const SHORT_BUFFER_MS = 200;
    startSynth(VM_PERIOD, []);
    await waitFor(() => findSeqClient(SYNTH_CLIENT), {
      what: `the ${SYNTH_CLIENT} sequencer client`,
      timeoutMs: 60_000,
    });
    await sleep(1500);
    const port = synthPort();
    cleanups.push(() => port.close());
    for (const bufferMs of [SHORT_BUFFER_MS, CAPTURE_BUFFER_MS]) {
      const capture = await startCapture(join(mkdtempSync(join(out, 'synth-')), `stall-${bufferMs}.wav`), 8, bufferMs);
      await sleep(1000);
      process.kill(capture.pid, 'SIGSTOP');
      await sleep(STALL_MS);
      process.kill(capture.pid, 'SIGCONT');
      await sleep(500);
      const sentAt = monoMs();
      port.send([0x99, 38, 127]);
      await sleep(300);
      port.send([0x89, 38, 0]);
      const recording = await capture.finish();
      const at = sentAt - capture.startMonoMs;
      const onset = onsetAfter(recording.wav, 0, (recording.wav.samples.length / recording.wav.sampleRate) * 1000);
      note(
        `capture with a ${bufferMs} ms buffer, arecord stopped ${STALL_MS} ms: note sent at ${at.toFixed(0)} ms, first sound at ${onset?.toFixed(0) ?? 'none'} ms (${onset === undefined ? '-' : (onset - at).toFixed(0)} ms after the note); ${continuity(recording)}`,
      );
      expect(onset, 'the note is heard').toBeDefined();
      const offset = (onset ?? 0) - at;
      if (bufferMs === SHORT_BUFFER_MS) {
        expect(recording.gaps.length, 'the lost frames are noticed').toBeGreaterThan(0);
        expect(offset, 'the note reads early by about the stall').toBeLessThan(-(STALL_MS - SHORT_BUFFER_MS) / 2);
      } else {
        // Not early; how late is the emulated synth's business here (596 ms once, host load ~8).
        expect(recording.gaps).toEqual([]);
        expect(offset).toBeGreaterThan(-EARLY_TOLERANCE_MS);
        expect(offset).toBeLessThan(STALL_MS);
      }
    }
  }, 120_000);

  it('the box plays its answers through it, and survives the synth being killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-synth-'));
    const svc = await ServiceProcess.start(
      [
        '[devices]',
        'ignore = ["f_midi"]',
        '[web]',
        'enabled = false',
        '[din]',
        'enabled = false',
        '[synth]',
        `audio_device = "${LOOPBACK_PLAYBACK}"`,
        `period_size = ${VM_PERIOD}`,
        '[data]',
        `dir = "${dataDir}"`,
        '[perform]',
        'tempo_bpm = 120',
        'seed = 7',
      ].join('\n'),
      [],
      180_000,
    );
    // The box's own stop is slow under emulation (over ServiceProcess's 10 s at times, with or
    // without the synth): noted in the figures rather than failing the sound checks.
    cleanups.push(async () => {
      await svc.stop().catch((e: unknown) => note(`service stop: ${(e as Error).message}`));
      // How late the box's own sends left (the output threads' lateness): the box's share of any lateness heard.
      const stopped = svc.records.find((r) => r.msg === 'antiphon stopped');
      note(`box send timing: ${JSON.stringify(stopped?.sendTiming ?? 'not logged')}`);
    });
    const started = svc.records.find((r) => r.msg === 'antiphon started');
    const songZero = Number(started?.songZeroMonoMs);
    const barMs = 2000;
    const first = await svc.waitForLog((r) => r.msg === 'synth started', 'the synth to start', 60_000);
    await svc.waitForLog(
      (r) => r.device === SYNTH_CLIENT && r.msg === 'device attached',
      'the box to open the synth as a device',
      60_000,
    );

    /**
     * Records through the next answer and checks that it sounded at its first hit's time: the
     * bar line plus the hit's place in the recorded exchange. A recording with a hole cannot
     * time anything: the next answer is tried once, then the test fails naming the overrun.
     */
    const answerSounds = async (label: string): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const capture = await startCapture(join(dataDir, `${label}-${attempt}.wav`), 40);
        const from = svc.records.length;
        // An answer the model left empty has nothing to hear: the next one with hits is timed.
        const { record, index } = await svc.waitForLog(
          (r) => r.msg === 'response' && Number(r.hits) > 0,
          `an answer with hits (${label})`,
          25_000,
          from,
        );
        const recording = await capture.finish();
        const { wav } = recording;
        const lengthMs = (wav.samples.length / wav.sampleRate) * 1000;
        const onset = onsetAfter(wav, 0, lengthMs);
        const barLine = songZero + Number(record.startBar) * barMs - capture.startMonoMs;
        const saved = await svc.waitForLog((r) => r.msg === 'exchange recorded', 'the answer recorded', 30_000, index);
        const hitAfterBar = firstHitAfterBarLineMs(readFileSync(String(saved.record.file)), String(record.voice));
        const due = barLine + hitAfterBar;
        note(
          `box answer (${label}, try ${attempt}): voice ${String(record.voice)}, ${String(record.hits)} hits, ${String(saved.record.file).split('/').pop()}, songZero ${songZero.toFixed(0)}, startBar ${String(record.startBar)}, capture from ${capture.startMonoMs.toFixed(0)} (mono ms), ${continuity(recording)}: bar line at ${barLine.toFixed(0)} ms into the recording, first hit ${hitAfterBar.toFixed(0)} ms after it, first sound at ${onset === undefined ? 'none' : `${onset.toFixed(0)} ms (${(onset - due).toFixed(0)} ms after the hit was due; the periods hold ${PERIOD_LATENCY_MS.toFixed(0)} ms)`}, RMS ${rmsBetween(wav, 0, lengthMs).toFixed(4)}`,
        );
        if (recording.gaps.length > 0) {
          if (attempt < 2) continue;
          throw new Error(`the capture lost frames twice, so it cannot time the answer: ${recording.gaps.join('; ')}`);
        }
        if (onset === undefined)
          note(
            `  silent: the box said ${svc.records
              .slice(from)
              .filter((r) => Number(r['level']) >= 40 || /synth|output|device|response/i.test(r.msg))
              .map((r) => JSON.stringify(r))
              .join('\n  ')}`,
          );
        // The only sound source is the box's answers (the demo's calls are not played).
        expect(onset, 'the answer is heard').toBeDefined();
        expect(rmsBetween(wav, 0, lengthMs)).toBeGreaterThan(SILENCE / 4);
        expect(due, 'the answer lies inside the recording').toBeGreaterThan(0);
        const answerEnd = barLine + Number(record.bars) * barMs;
        expect(answerEnd, 'the whole answer lies inside the recording').toBeLessThan(lengthMs);
        // Never before its time; late, but within the answer (see PERIOD_LATENCY_MS).
        expect(onset ?? 0).toBeGreaterThan(due - EARLY_TOLERANCE_MS);
        expect(onset ?? 0).toBeLessThan(answerEnd);
        return;
      }
    };
    await answerSounds('before-kill');

    process.kill(Number(first.record.pid), 'SIGKILL');
    const exited = await svc.waitForLog(
      // "synth on <device>: fluidsynth exited (SIGKILL); trying again"
      (r) => typeof r.msg === 'string' && r.msg.startsWith('synth') && r.msg.includes(': fluidsynth exited (SIGKILL)'),
      'the box to see the synth die',
      30_000,
      first.index + 1,
    );
    const again = await svc.waitForLog(
      (r) => r.msg === 'synth started' && r.pid !== first.record.pid,
      'the synth to be restarted',
      30_000,
      exited.index + 1,
    );
    expect(again.record.pid).not.toBe(first.record.pid);
    // The new synth is a new sequencer client: answers sound once the box has opened it. An
    // answer played before that went to the dead client's port (CI heard only the next one).
    await svc.waitForLog(
      (r) => r.device === SYNTH_CLIENT && r.msg === 'device attached',
      'the box to reopen the restarted synth',
      30_000,
      exited.index + 1,
    );
    await answerSounds('after-kill');
    expect(svc.exitCode).toBeUndefined();
  }, 400_000);
});
