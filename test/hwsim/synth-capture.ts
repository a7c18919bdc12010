import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readWav, type Wav } from '../synth/wav.js';
import { waitFor } from './support/wait.js';

/** snd-aloop: what is played on hw:Loopback,0,N comes out of hw:Loopback,1,N. */
export const LOOPBACK_PLAYBACK = 'hw:Loopback,0,0';
const LOOPBACK_CAPTURE = 'hw:Loopback,1,0';
const CAPTURE_STATUS = '/proc/asound/Loopback/pcm1c/sub0/status';

export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface Capture {
  /** CLOCK_MONOTONIC ms of the first captured frame (the stream's trigger time). */
  readonly startMonoMs: number;
  /** Waits for arecord to finish and reads what it recorded. */
  finish(): Promise<Wav>;
}

/**
 * Records the loopback's capture side with arecord (48 kHz, 16-bit stereo, what FluidSynth
 * plays) for `seconds`. The first frame's time is the kernel's trigger time for the stream,
 * read from /proc, in whichever clock ALSA stamped it (monotonic for alsa-lib's hw devices,
 * wall clock on older setups: told apart by size).
 */
export async function startCapture(file: string, seconds: number): Promise<Capture> {
  const child = spawn(
    'arecord',
    ['-q', '-D', LOOPBACK_CAPTURE, '-f', 'S16_LE', '-r', '48000', '-c', '2', '-d', String(seconds), file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const trigger = await waitFor(
    () => {
      // Until the stream runs, the status shows a zero trigger time.
      const status = readFileSync(CAPTURE_STATUS, 'utf8');
      const m = /trigger_time:\s*(\d+)\.(\d+)/.exec(status);
      const t = m ? Number(m[1]) * 1000 + Number(`0.${m[2] ?? '0'}`) * 1000 : 0;
      return /state:\s*RUNNING/.test(status) && t > 0 ? t : undefined;
    },
    { what: `arecord capturing ${LOOPBACK_CAPTURE}`, timeoutMs: 30_000, intervalMs: 5 },
  );
  const startMonoMs = trigger > 1e12 ? trigger - (Date.now() - monoMs()) : trigger;
  return {
    startMonoMs,
    finish: async () => {
      const code = await exited;
      // Under emulation arecord may overrun and stop early; what it wrote is still a valid WAV.
      try {
        return readWav(readFileSync(file));
      } catch (e) {
        throw new Error(
          `arecord exited ${String(code)} without a readable recording (${(e as Error).message}): ${stderr.trim()}`,
        );
      }
    },
  };
}

/** Ms from the capture's start to the first sample louder than `threshold` at or after `fromMs`; undefined if none. */
export function onsetAfter(w: Wav, fromMs: number, toMs: number, threshold = 0.01): number | undefined {
  const from = Math.max(0, Math.floor((fromMs / 1000) * w.sampleRate));
  const to = Math.min(w.samples.length, Math.ceil((toMs / 1000) * w.sampleRate));
  for (let i = from; i < to; i++) if (Math.abs(w.samples[i] ?? 0) > threshold) return (i / w.sampleRate) * 1000;
  return undefined;
}

/** RMS of the capture between two ms offsets from its start. */
export function rmsBetween(w: Wav, fromMs: number, toMs: number): number {
  const from = Math.max(0, Math.floor((fromMs / 1000) * w.sampleRate));
  const to = Math.min(w.samples.length, Math.ceil((toMs / 1000) * w.sampleRate));
  let sum = 0;
  for (let i = from; i < to; i++) sum += (w.samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}
