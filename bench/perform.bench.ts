/**
 * Response-generation time per exchange against the bar it has to fit in.
 *
 * A response starts on the bar line after the call ends; the engine decides that early by
 * its estimated generation time, and slips a whole bar when the estimate is beaten. So the
 * figure that matters is generation time / bar length (at 120 and 174 BPM): under 1 the
 * response is on time even when the call's end is only known at the bar line.
 *
 * Models: the shipped default (if models/ has one), and a drum_kit_rnn-sized model
 * (3 x 256 LSTM, attention 32: the published architecture) with seeded weights, on the
 * engine's int8 and float32 kernels. Run: npm run bench:perform
 */
import { readCheckpoint } from '../src/model/checkpoint/reader.js';
import { randomCheckpoint } from '../src/model/checkpoint/random-checkpoint.js';
import { memorySource } from '../src/model/checkpoint/source.js';
import { serializeCheckpoint } from '../src/model/checkpoint/writer.js';
import { MusicRnn, loadMusicRnn, type EngineKind } from '../src/model/music-rnn.js';
import { MusicRnnGenerator } from '../src/voices/music-rnn-generator.js';
import { DEMO_CALL_GROOVE } from '../src/perform/demo-call.js';
import { resolveModelDir } from '../src/voices/voice-models.js';
import type { GeneratorState } from '../src/perform/generator-port.js';

const STEPS_PER_BAR = 16;
const barMs = (bpm: number): number => (4 * 60_000) / bpm;

function callEvents(bars: number, gen: MusicRnnGenerator): Uint16Array {
  const events = new Uint16Array(bars * STEPS_PER_BAR);
  for (let b = 0; b < bars; b++) {
    for (const h of DEMO_CALL_GROOVE) {
      const cls = gen.classOf(h.pitch);
      const i = (b + h.bar) * STEPS_PER_BAR + h.step;
      if (cls >= 0 && i < events.length) events[i] = (events[i] ?? 0) | (1 << cls);
    }
  }
  return events;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

function measure(
  gen: MusicRnnGenerator,
  callBars: number,
  responseBars: number,
  beamSize: number,
  carry: boolean,
  runs: number,
): number[] {
  const primer = callEvents(callBars, gen);
  const times: number[] = [];
  let state: GeneratorState | undefined;
  for (let i = -2; i < runs; i++) {
    const t0 = performance.now();
    const r = gen.generateNow({
      primer,
      steps: responseBars * STEPS_PER_BAR,
      temperature: 1,
      beamSize,
      seed: i + 10,
      ...(carry && state ? { state } : {}),
    });
    const dt = performance.now() - t0;
    state = r.state;
    if (i >= 0) times.push(dt); // two warm-up runs: JIT and wasm tier-up
  }
  return times;
}

async function models(): Promise<[string, MusicRnnGenerator][]> {
  const out: [string, MusicRnnGenerator][] = [];
  const shipped = resolveModelDir('default');
  if (shipped)
    out.push([
      `shipped ${shipped.split('/').filter(Boolean).at(-1) ?? ''} (int8)`,
      new MusicRnnGenerator('shipped', await loadMusicRnn(shipped)),
    ]);
  const files = serializeCheckpoint(
    randomCheckpoint({ layerUnits: [256, 256, 256], attentionLength: 32, kind: 'drums', seed: 3 }),
  );
  const cp = await readCheckpoint(memorySource(files, 'drum_kit_rnn-sized'));
  for (const engine of ['int8', 'float32'] as EngineKind[])
    out.push([
      `drum_kit_rnn-sized 3x256+attn (${engine})`,
      new MusicRnnGenerator(engine, new MusicRnn(cp, { engine })),
    ]);
  return out;
}

const runs = Number(process.env.BENCH_RUNS ?? 8);
const cases: { call: number; response: number; beam: number; carry: boolean }[] = [
  { call: 2, response: 2, beam: 1, carry: false },
  { call: 2, response: 2, beam: 1, carry: true },
  { call: 4, response: 4, beam: 1, carry: true },
  { call: 2, response: 2, beam: 4, carry: true },
];
console.log(
  `perform bench: response generation per exchange vs bar length (runs=${runs}, median and p90 ms; ratio = p90 / bar)`,
);
console.log(`bar: 120 BPM = ${barMs(120).toFixed(0)} ms, 174 BPM = ${barMs(174).toFixed(0)} ms`);
for (const [name, gen] of await models()) {
  console.log(`\n${name}`);
  console.log('  call+resp bars  beam  state    median ms   p90 ms   ms/step   p90/bar@120   p90/bar@174');
  for (const c of cases) {
    const t = measure(gen, c.call, c.response, c.beam, c.carry, runs);
    const med = percentile(t, 0.5);
    const p90 = percentile(t, 0.9);
    const steps = (c.call + c.response) * STEPS_PER_BAR;
    console.log(
      `  ${`${c.call}+${c.response}`.padEnd(15)} ${String(c.beam).padEnd(5)} ${(c.carry ? 'carried' : 'fresh').padEnd(8)} ${med.toFixed(1).padStart(9)} ${p90.toFixed(1).padStart(8)} ${(med / steps).toFixed(3).padStart(9)} ${(p90 / barMs(120)).toFixed(3).padStart(13)} ${(p90 / barMs(174)).toFixed(3).padStart(13)}`,
    );
  }
}
