// npm run bench:engine — our int8 and float32 engines against @magenta/music, tfjs (wasm,
// tfjs-node when installed) and a native C probe, in one run, with ratios and the targets.
// Each contender runs in its own process so two tfjs copies never share a global engine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Timing } from './engine/common.js';
import { BATCHES, SIZES } from './engine/common.js';
import { runNativeProbe, stepShapes } from './engine/native-probe.js';
import { writeBenchCheckpoint } from './engine/write-checkpoints.js';

interface BeamTiming {
  best: { wallMs: number; cpuMs: number; networkSteps: number };
  median: { wallMs: number };
  minCpuMs: number;
}

interface OursResult {
  latency: Record<'int8' | 'float32' | 'reference', Timing>;
  memory: Record<string, { weightBytes: number; parameters: number }>;
  beam?: BeamTiming;
  beamPeaked?: BeamTiming;
  batching?: Record<string, Record<number, number>>;
  kl?: { name: string; meanKl: number; maxKl: number; argmaxAgreement: number; steps: number }[];
}

const here = new URL('.', import.meta.url).pathname;
function probe<T>(script: string, args: string[]): T | string {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'engine', script), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 24,
    });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    return line === undefined ? 'no result' : (JSON.parse(line.slice(7)) as T);
  } catch (err) {
    return `failed: ${((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-1)[0] ?? ''}`;
  }
}

const hasTfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

const ms = (t: number | undefined): string => (t === undefined || Number.isNaN(t) ? '   n/a' : t.toFixed(4));
const pad = (s: string, n: number): string => s.padEnd(n);
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const root = mkdtempSync(join(tmpdir(), 'antiphon-bench-'));
const lines: string[] = [];
const say = (l = ''): void => {
  lines.push(l);
  console.log(l);
};

say(`engine bench: node ${process.version}, ${new Date().toISOString()}; random weights in magenta-js layout`);
say(
  `CPU: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
say('latency = per step at batch 1, min over repeated chunks (median in brackets): this machine is shared');
const targets: string[] = [];
try {
  for (const [i, size] of SIZES.entries()) {
    const dir = await writeBenchCheckpoint(root, size, i);
    const extras = i === 0;
    const ours = probe<OursResult>('ours.probe.ts', [dir, ...(extras ? ['extras'] : [])]);
    const magenta = probe<Timing>('magenta.probe.ts', [dir]);
    const tfWasm = probe<Timing>('tfjs.probe.ts', [dir, 'wasm']);
    const tfNode = hasTfjsNode ? probe<Timing>('tfjs.probe.ts', [dir, 'tensorflow']) : 'not installed';
    const native = runNativeProbe(stepShapes(size.layerUnits, size.attentionLength));
    say();
    say(`== ${size.label} ==`);
    if (typeof ours === 'string') {
      say(`ours: ${ours}`);
      continue;
    }
    const int8 = ours.latency.int8.minMs;
    const row = (name: string, t: Timing | string | undefined, extra = ''): void => {
      if (typeof t === 'string' || t === undefined) say(`${pad(name, 34)} ${t ?? 'n/a'}`);
      else
        say(
          `${pad(name, 34)} ${ms(t.minMs)} ms (${ms(t.medianMs)})   x${(t.minMs / int8).toFixed(1)} of int8 ${extra}`,
        );
    };
    row('ours int8 (WASM SIMD)', ours.latency.int8);
    row('ours float32 (WASM SIMD)', ours.latency.float32);
    row('ours float32 reference (plain JS)', ours.latency.reference);
    row('@magenta/music (tfjs 2.8 cpu)', magenta);
    row('tfjs 4.22 wasm backend', tfWasm);
    row('tfjs-node', tfNode);
    if (typeof native === 'string') say(`native C probe: ${native}`);
    else {
      say(
        `${pad('C probe int8 (gcc -O3 -march=native)', 34)} ${ms(native.int8Ms)} ms          int8 is x${(int8 / native.int8Ms).toFixed(2)} of it`,
      );
      say(
        `${pad('C probe float32', 34)} ${ms(native.float32Ms)} ms          float32 is x${(ours.latency.float32.minMs / native.float32Ms).toFixed(2)} of it`,
      );
    }
    for (const [engine, m] of Object.entries(ours.memory)) {
      say(
        `memory ${pad(engine, 10)} ${(m.weightBytes / 1e6).toFixed(2)} MB of weights in memory (${m.parameters.toLocaleString('en-US')} parameters)`,
      );
    }
    if (i === 0) {
      const speedup = typeof magenta === 'string' ? NaN : magenta.minMs / int8;
      targets.push(
        `drum_kit_rnn: int8 ${speedup.toFixed(0)}x faster than @magenta/music (target >= 50x): ${verdict(speedup >= 50)}`,
      );
      if (typeof native !== 'string') {
        const r = int8 / native.int8Ms;
        targets.push(`drum_kit_rnn: int8 at ${r.toFixed(2)}x the C int8 probe (target <= 3x): ${verdict(r <= 3)}`);
      }
    } else {
      targets.push(`2x128: int8 ${ms(int8)} ms/step (target < 0.04): ${verdict(int8 < 0.04)}`);
    }
    for (const [engine, byBatch] of Object.entries(ours.batching ?? {})) {
      const one = byBatch[1] ?? NaN;
      const cells = BATCHES.map((n) => `b${n} ${ms(byBatch[n])}`).join('  ');
      say(
        `batched step ${pad(engine, 8)} ms per sequence: ${cells}   (b32 costs x${((byBatch[32] ?? NaN) / one).toFixed(2)} of b1 per sequence)`,
      );
    }
    const beams: [string, BeamTiming | undefined][] = [
      ['flat random weights (every branch distinct)', ours.beam],
      ['peaked weights (max p 0.4-0.95, like a drum model)', ours.beamPeaked],
    ];
    for (const [name, b] of beams) {
      if (b === undefined) continue;
      say(`beam 8x4, 2 bars (32 steps after a 2-bar primer), int8, ${name}:`);
      say(
        `    best ${b.best.wallMs.toFixed(1)} ms wall (${b.best.cpuMs.toFixed(1)} ms CPU), median ${b.median.wallMs.toFixed(1)} ms wall, ${b.best.networkSteps} network steps of 1024 branch-steps`,
      );
      targets.push(
        `2-bar beam 8x4 at drum_kit_rnn size, ${name}: best ${b.best.wallMs.toFixed(1)} ms wall, ${b.minCpuMs.toFixed(1)} ms CPU ` +
          `(target < 69): wall ${verdict(b.best.wallMs < 69)}, CPU ${verdict(b.minCpuMs < 69)}`,
      );
    }
    if (ours.kl) {
      say('quantisation, KL(float32 reference || variant) per step over 64 teacher-forced steps:');
      for (const k of ours.kl) {
        say(
          `  ${pad(k.name, 58)} mean ${k.meanKl.toExponential(2)}  max ${k.maxKl.toExponential(2)}  argmax agrees ${(100 * k.argmaxAgreement).toFixed(1)}%`,
        );
      }
    }
  }
  say();
  say('targets:');
  for (const t of targets) say(`  ${t}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
