import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readWav, type Wav } from '../synth/wav.js';
import { waitFor } from './support/wait.js';

/** snd-aloop: what is played on hw:Loopback,0,N comes out of hw:Loopback,1,N. */
export const LOOPBACK_PLAYBACK = 'hw:Loopback,0,0';
const LOOPBACK_CAPTURE = 'hw:Loopback,1,0';
const CAPTURE_PROC = '/proc/asound/Loopback/pcm1c/sub0';

export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * arecord's ring buffer. Its own default (500 ms) is shorter than the stalls TCG emulation
 * gives a process on a loaded host: arecord then overruns, restarts the stream and the frames
 * of the stall are missing from the file, so everything after them reads EARLY by the stall.
 * That is how the VM once "heard" an answer 366-416 ms before its bar line. snd-aloop takes
 * up to 2 MiB (10.9 s of 48 kHz 16-bit stereo).
 */
export const CAPTURE_BUFFER_MS = 4000;

/** What one capture recorded, and whether its samples map one to one onto the card's time. */
export interface Recording {
  readonly wav: Wav;
  /**
   * Each sign that frames were lost: arecord's "overrun!!!" lines, and stream restarts seen in
   * /proc (a restart moves the trigger time). Empty for a continuous recording, the only kind
   * whose sample positions may be read as times.
   */
  readonly gaps: readonly string[];
  /** The ring buffer the card gave arecord, in frames (from /proc hw_params). */
  readonly bufferFrames: number;
  /**
   * ms by which arecord's exit came after the end of its frames' stretch of time: an upper
   * bound on frames lost plus the time to notice the exit (a report figure, not a verdict).
   */
  readonly exitLagMs: number;
}

export interface Capture {
  /** CLOCK_MONOTONIC ms of the first captured frame (the stream's trigger time). */
  readonly startMonoMs: number;
  /** arecord's pid (a test stalls it on purpose with SIGSTOP). */
  readonly pid: number;
  /** Waits for arecord to finish and reads what it recorded. */
  finish(): Promise<Recording>;
}

interface CaptureStatus {
  readonly state: string;
  /** ms in whichever clock ALSA stamped it; 0 until the stream runs. */
  readonly triggerMs: number;
}

function readStatus(): CaptureStatus {
  const status = readFileSync(`${CAPTURE_PROC}/status`, 'utf8');
  const m = /trigger_time:\s*(\d+)\.(\d+)/.exec(status);
  return {
    state: /state:\s*(\w+)/.exec(status)?.[1] ?? 'CLOSED',
    triggerMs: m ? Number(m[1]) * 1000 + Number(`0.${m[2] ?? '0'}`) * 1000 : 0,
  };
}

/**
 * Records the loopback's capture side with arecord (48 kHz, 16-bit stereo, what FluidSynth
 * plays) for `seconds`, with a ring buffer of `bufferMs`. The first frame's time is the
 * kernel's trigger time for the stream, read from /proc, in whichever clock ALSA stamped it
 * (monotonic for alsa-lib's hw devices, wall clock on older setups: told apart by size).
 * While it runs, /proc is polled for restarts, so a recording with a hole says so.
 */
export async function startCapture(file: string, seconds: number, bufferMs = CAPTURE_BUFFER_MS): Promise<Capture> {
  const child = spawn(
    'arecord',
    [
      ...['-D', LOOPBACK_CAPTURE, '-f', 'S16_LE', '-r', '48000', '-c', '2', '-d', String(seconds)],
      ...[`--buffer-time=${bufferMs * 1000}`, `--period-time=${Math.min(100, bufferMs / 4) * 1000}`, file],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let exitedAt = 0;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitedAt = monoMs();
      resolve(code);
    }),
  );
  // Until the stream runs, the status shows a zero trigger time.
  const first = await waitFor(
    () => {
      const s = readStatus();
      return s.state === 'RUNNING' && s.triggerMs > 0 ? s : undefined;
    },
    { what: `arecord capturing ${LOOPBACK_CAPTURE}`, timeoutMs: 30_000, intervalMs: 5 },
  );
  const hwParams = readFileSync(`${CAPTURE_PROC}/hw_params`, 'utf8');
  const bufferFrames = Number(/buffer_size:\s*(\d+)/.exec(hwParams)?.[1] ?? 0);
  const startMonoMs = first.triggerMs > 1e12 ? first.triggerMs - (Date.now() - monoMs()) : first.triggerMs;
  const restarts: string[] = [];
  let lastTrigger = first.triggerMs;
  let inXrun = false;
  const poll = setInterval(() => {
    try {
      const s = readStatus();
      if (s.state === 'XRUN' && !inXrun) restarts.push(`stream in XRUN at ${(monoMs() - startMonoMs).toFixed(0)} ms`);
      inXrun = s.state === 'XRUN';
      // A stop stamps the trigger time too (arecord's own at the end): only a running stream's counts.
      if (s.state === 'RUNNING' && Math.abs(s.triggerMs - lastTrigger) > 0.5) {
        restarts.push(`stream restarted ${(s.triggerMs - first.triggerMs).toFixed(0)} ms after its start`);
        lastTrigger = s.triggerMs;
      }
    } catch {
      // Closed between two polls: arecord is exiting.
    }
  }, 20);
  return {
    startMonoMs,
    pid: child.pid ?? -1,
    finish: async () => {
      const code = await exited;
      clearInterval(poll);
      let wav: Wav;
      try {
        wav = readWav(readFileSync(file));
      } catch (e) {
        throw new Error(
          `arecord exited ${String(code)} without a readable recording (${(e as Error).message}): ${stderr.trim()}`,
        );
      }
      const overruns = stderr.split('\n').filter((l) => /overrun|xrun/i.test(l));
      const lengthMs = (wav.samples.length / wav.sampleRate) * 1000;
      return {
        wav,
        gaps: [...overruns.map((l) => `arecord: ${l.trim()}`), ...restarts],
        bufferFrames,
        exitLagMs: exitedAt - startMonoMs - lengthMs,
      };
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
