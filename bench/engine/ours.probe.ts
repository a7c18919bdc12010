// Our engines: per-step latency at batch 1, memory, 2-bar beam search, and quantisation KL.
import type { Checkpoint } from '../../src/model/checkpoint/reader.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { folderSource, memorySource } from '../../src/model/checkpoint/source.js';
import { serializeCheckpoint } from '../../src/model/checkpoint/writer.js';
import type { WeightDtype } from '../../src/model/checkpoint/quantize-weights.js';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { beamSearch } from '../../src/model/beam-search.js';
import { continueEvents } from '../../src/model/generate.js';
import type { EngineKind } from '../../src/model/music-rnn.js';
import { MusicRnn } from '../../src/model/music-rnn.js';
import { logSoftmax } from '../../src/model/sampling/sample.js';
import { BATCHES, PRIMER, emit, timePerStep } from './common.js';

const [dir, withExtras] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: ours.probe.ts DIR [extras]');
const checkpoint = await readCheckpoint(folderSource(dir));

const engines: EngineKind[] = ['int8', 'float32', 'reference'];
const latency: Record<string, unknown> = {};
const memory: Record<string, unknown> = {};
for (const engine of engines) {
  const model = new MusicRnn(checkpoint, { engine });
  const state = model.newState();
  for (const e of PRIMER) model.feed(state, e);
  let t = 0;
  latency[engine] = await timePerStep(
    () => {
      for (let i = 0; i < 10; i++) model.feed(state, PRIMER[t++ % PRIMER.length] ?? 0);
    },
    10,
    engine === 'reference' ? 1500 : 2500,
  );
  memory[engine] = { weightBytes: model.network.weightBytes, parameters: model.arch.parameterCount };
}

let beam: unknown;
let kl: unknown;
let beamPeaked: unknown;
let batching: unknown;
if (withExtras === 'extras') {
  batching = await timeBatches(checkpoint);
  beam = timeBeam(new MusicRnn(checkpoint, { engine: 'int8' }));
  // Same size, sharper weights: per-step max probabilities of 0.4-0.95, as a trained drum model
  // gives (mostly silence or a hat), so sibling branches often draw the same event.
  const sharp = randomCheckpoint({ layerUnits: [256, 256, 256], attentionLength: 32, gain: 2, seed: 5 });
  beamPeaked = timeBeam(
    new MusicRnn(await readCheckpoint(memorySource(serializeCheckpoint(sharp))), { engine: 'int8' }),
  );
  kl = [
    ...(await quantisationKl(checkpoint, 'uniform weights')),
    ...(await quantisationKl(
      await readCheckpoint(
        memorySource(
          serializeCheckpoint(
            randomCheckpoint({ layerUnits: [256, 256, 256], attentionLength: 32, distribution: 'heavy', seed: 6 }),
          ),
        ),
      ),
      'heavy-tailed weights',
    )),
  ];
}
emit({ latency, memory, beam, beamPeaked, kl, batching });

/** Per-sequence step time when several sequences step together (beam branches). */
async function timeBatches(cp: Checkpoint) {
  const result: Record<string, Record<number, number>> = {};
  for (const engine of ['int8', 'float32'] as const) {
    const model = new MusicRnn(cp, { engine });
    result[engine] = {};
    for (const n of BATCHES) {
      const states = Array.from({ length: n }, () => model.newState());
      const events = states.map((_, b) => PRIMER[b % PRIMER.length] ?? 0);
      for (const e of PRIMER)
        model.feedBatch(
          states,
          states.map(() => e),
        );
      const t = await timePerStep(() => model.feedBatch(states, events), n, 600);
      (result[engine] as Record<number, number>)[n] = t.minMs;
    }
  }
  return result;
}

function timeBeam(model: MusicRnn) {
  const runs: { wallMs: number; cpuMs: number; networkSteps: number }[] = [];
  for (let seed = 0; seed < 16; seed++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = beamSearch(model, { events: PRIMER }, 32, {
      beamSize: 8,
      branchFactor: 4,
      stepsPerIteration: 1,
      temperature: 1,
      seed,
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    runs.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, networkSteps: r.networkSteps });
  }
  runs.sort((a, b) => a.wallMs - b.wallMs);
  return { best: runs[0], median: runs[Math.floor(runs.length / 2)], minCpuMs: Math.min(...runs.map((r) => r.cpuMs)) };
}

/** KL(reference float32 || variant) per step over a 2-bar primer plus 2 sampled bars. */
async function quantisationKl(checkpoint: Checkpoint, label: string) {
  const reference = new MusicRnn(checkpoint, { engine: 'reference' });
  const sampled = continueEvents(reference, { events: PRIMER }, 32, { temperature: 1, seed: 7 });
  const sequence = [...PRIMER, ...sampled.events];
  const stored = async (dtype: WeightDtype) =>
    readCheckpoint(
      memorySource(
        serializeCheckpoint({ config: checkpoint.rawConfig, tensors: checkpoint.tensors.values() }, { dtype }),
      ),
    );
  const variants: [string, MusicRnn][] = [
    ['int8 kernels (float32 file)', new MusicRnn(checkpoint, { engine: 'int8' })],
    ['float32 WASM kernels', new MusicRnn(checkpoint, { engine: 'float32' })],
    ['uint16 file, float compute (tfjs)', new MusicRnn(await stored('uint16'), { engine: 'reference' })],
    ['float16 file, float compute (tfjs)', new MusicRnn(await stored('float16'), { engine: 'reference' })],
    ['uint8 file, float compute (tfjs)', new MusicRnn(await stored('uint8'), { engine: 'reference' })],
    ['uint8 file, int8 kernels', new MusicRnn(await stored('uint8'), { engine: 'int8' })],
  ];
  const refState = reference.newState();
  const states = variants.map(([, m]) => m.newState());
  const sums = variants.map(() => ({ mean: 0, max: 0, argmaxAgree: 0 }));
  const p = new Float64Array(512);
  const q = new Float64Array(512);
  let steps = 0;
  for (const e of sequence) {
    reference.feed(refState, e);
    logSoftmax(refState.logits, 1, p);
    variants.forEach(([, m], i) => {
      const s = states[i];
      const agg = sums[i];
      if (s === undefined || agg === undefined) return;
      m.feed(s, e);
      logSoftmax(s.logits, 1, q);
      let k = 0;
      let [bp, bq] = [0, 0];
      for (let j = 0; j < 512; j++) {
        k += Math.exp(p[j] ?? 0) * ((p[j] ?? 0) - (q[j] ?? 0));
        if ((p[j] ?? 0) > (p[bp] ?? 0)) bp = j;
        if ((q[j] ?? 0) > (q[bq] ?? 0)) bq = j;
      }
      agg.mean += k;
      agg.max = Math.max(agg.max, k);
      if (bp === bq) agg.argmaxAgree++;
    });
    steps++;
  }
  return variants.map(([name], i) => ({
    name: `${label}: ${name}`,
    meanKl: (sums[i]?.mean ?? 0) / steps,
    maxKl: sums[i]?.max ?? 0,
    argmaxAgreement: (sums[i]?.argmaxAgree ?? 0) / steps,
    steps,
  }));
}
