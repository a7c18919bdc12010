import { beforeAll, describe, expect, it } from 'vitest';
import type { QuantizedSequence } from '../music/note-sequence.js';
import { beamSearch } from './beam-search.js';
import { randomCheckpoint } from './checkpoint/random-checkpoint.js';
import { readCheckpoint } from './checkpoint/reader.js';
import { memorySource } from './checkpoint/source.js';
import { serializeCheckpoint } from './checkpoint/writer.js';
import { continueEvents, continueSequence, evaluateEvents } from './generate.js';
import { MusicRnn } from './music-rnn.js';
import type { MusicRnn as Model, ModelState } from './music-rnn.js';
import { SamplingError, chooseEvent, logSoftmax } from './sampling/sample.js';
import { SeededRandom } from '../util/seeded-random.js';

let model: MusicRnn;
const primer = { events: [1, 0, 4, 0, 2, 0, 4, 0, 1, 1, 4, 0, 2, 0, 4, 8] };

beforeAll(async () => {
  const files = serializeCheckpoint(
    randomCheckpoint({ layerUnits: [32, 32, 32], attentionLength: 16, seed: 21, gain: 1.5 }),
  );
  model = new MusicRnn(await readCheckpoint(memorySource(files)), { engine: 'int8' });
});

describe('continueEvents', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = continueEvents(model, primer, 32, { temperature: 1.2, seed: 42 });
    const b = continueEvents(model, primer, 32, { temperature: 1.2, seed: 42 });
    const c = continueEvents(model, primer, 32, { temperature: 1.2, seed: 43 });
    expect([...a.events]).toEqual([...b.events]);
    expect([...a.events]).not.toEqual([...c.events]);
    expect(a.logLikelihood).toBe(b.logLikelihood);
  });

  it('argmax takes the most likely event each step', () => {
    const r = continueEvents(model, primer, 8, { returnProbabilities: true });
    r.probabilities?.forEach((p, t) => expect(r.events[t]).toBe(p.indexOf(Math.max(...p))));
  });

  it('top-k 1 is argmax; top-k and top-p keep to the likeliest events', () => {
    const argmaxRun = continueEvents(model, primer, 16);
    expect([...continueEvents(model, primer, 16, { temperature: 1, topK: 1, seed: 3 }).events]).toEqual([
      ...argmaxRun.events,
    ]);
    const r = continueEvents(model, primer, 24, { temperature: 1.5, topK: 3, seed: 9, returnProbabilities: true });
    r.probabilities?.forEach((p, t) => {
      const rank = [...p].sort((x, y) => y - x).indexOf(p[r.events[t] ?? 0] ?? -1);
      expect(rank).toBeLessThan(3);
    });
    const nucleus = continueEvents(model, primer, 24, {
      temperature: 1,
      topP: 0.3,
      seed: 9,
      returnProbabilities: true,
    });
    nucleus.probabilities?.forEach((p, t) => {
      const chosen = p[nucleus.events[t] ?? 0] ?? 0;
      const moreLikely = [...p].filter((q) => q > chosen).reduce((a, b) => a + b, 0);
      expect(moreLikely).toBeLessThan(0.3);
    });
  });

  it('log-likelihoods agree with evaluating the same sequence', () => {
    const r = continueEvents(model, primer, 20, { temperature: 0.9, seed: 5 });
    const whole = evaluateEvents(model, { events: [...primer.events, ...r.events] }, { temperature: 0.9 });
    expect(whole.logLikelihood).toBeCloseTo(r.totalLogLikelihood, 6);
    expect([...whole.perStep.slice(primer.events.length)].map((v) => v.toFixed(6))).toEqual(
      [...r.perStep].map((v) => v.toFixed(6)),
    );
    expect(Number.isNaN(whole.perStep[0])).toBe(true);
    expect(whole.meanPerStep).toBeCloseTo(whole.logLikelihood / (whole.perStep.length - 1), 9);
  });

  it('carried state continues exactly where the last exchange ended', () => {
    const first = continueEvents(model, primer, 16, { temperature: 1, seed: 1 });
    const carried = continueEvents(model, { events: [5, 0, 4, 0] }, 16, {
      temperature: 1,
      seed: 2,
      state: first.state,
    });
    const replay = evaluateEvents(
      model,
      { events: [...primer.events, ...first.events, 5, 0, 4, 0, ...carried.events] },
      { temperature: 1 },
    );
    const tail = replay.perStep.slice(replay.perStep.length - 16);
    expect([...tail].map((v) => v.toFixed(5))).toEqual([...carried.perStep].map((v) => v.toFixed(5)));
    // The carried state's metric position kept counting: 16 + 16 + 4 + 16 events fed.
    expect(carried.state.position).toBe(52);
    expect(first.state.position).toBe(32);
  });

  it('rejects bad options and an empty primer without state', () => {
    expect(() => continueEvents(model, primer, 4, { temperature: -1 })).toThrow(SamplingError);
    expect(() => continueEvents(model, primer, 4, { temperature: 1, topP: 2 })).toThrow(SamplingError);
    expect(() => continueEvents(model, { events: [] }, 4)).toThrow(/primer/);
  });
});

describe('metric position', () => {
  it('a primer that does not start on a bar feeds the counter from its real position', () => {
    const seq: QuantizedSequence = {
      notes: [36, 38, 42].map((pitch, i) => ({
        pitch,
        velocity: 90,
        startStep: 5 + 4 * i,
        endStep: 6 + 4 * i,
        offsetSteps: 0,
        isDrum: true,
      })),
      stepsPerQuarter: 4,
      totalSteps: 16,
      qpm: 120,
      stepsPerBar: 16,
    };
    const window = model.encode(seq, 5, 16);
    expect(window.position).toBe(5);
    expect(Array.from(window.events).slice(0, 5)).toEqual([1, 0, 0, 0, 2]);
    const fromBar = evaluateEvents(model, window);
    const fromZero = evaluateEvents(model, { events: window.events, position: 0 });
    expect(fromBar.logLikelihood).not.toBeCloseTo(fromZero.logLikelihood, 6);
    expect(model.decode([1, 2], 16).map((n) => [n.pitch, n.startStep])).toEqual([
      [36, 16],
      [38, 17],
    ]);
  });
});

describe('continueSequence', () => {
  it('continues a quantised phrase and returns notes after it', () => {
    const phrase: QuantizedSequence = {
      notes: [0, 4, 8, 12].map((t) => ({
        pitch: t % 8 === 0 ? 36 : 38,
        velocity: 100,
        startStep: t,
        endStep: t + 1,
        offsetSteps: 0.1,
        isDrum: true,
      })),
      stepsPerQuarter: 4,
      totalSteps: 16,
      qpm: 120,
      stepsPerBar: 16,
    };
    const r = continueSequence(model, phrase, 16, { temperature: 1, seed: 3 });
    const again = continueEvents(model, model.encode(phrase), 16, { temperature: 1, seed: 3 });
    expect([...r.events]).toEqual([...again.events]);
    expect(r.notes.every((n) => n.startStep >= 16 && n.startStep < 32 && n.isDrum)).toBe(true);
    expect(r.notes.length).toBe(model.decode(r.events, 16).length);
  });
});

/**
 * magenta/common/beam_search.py as written: every branch owns a state and is fed every event
 * it draws, one sequence at a time. beamSearch must give exactly this, with less work.
 */
function eagerBeamSearch(
  m: Model,
  events: number[],
  steps: number,
  beamSize: number,
  branchFactor: number,
  perIteration: number,
  seed: number,
) {
  const rng = new SeededRandom(seed);
  const primed = m.newState();
  let primerScore = 0;
  const lp = new Float64Array(m.eventCount);
  events.forEach((e, t) => {
    if (t > 0) primerScore += logSoftmax(primed.logits, 1, lp)[e] ?? NaN;
    m.feed(primed, e);
  });
  type Seq = { state: ModelState; events: number[]; score: number };
  const copy = (b: Seq): Seq => ({ state: m.cloneState(b.state), events: [...b.events], score: b.score });
  const extend = (seqs: Seq[], n: number): void => {
    for (let t = 0; t < n; t++)
      for (const b of seqs) {
        logSoftmax(b.state.logits, 1, lp);
        const e = chooseEvent(lp, { temperature: 1 }, rng);
        b.events.push(e);
        b.score += lp[e] ?? NaN;
        m.feed(b.state, e);
      }
  };
  let iterations = Math.floor(steps / perIteration);
  let firstSteps = steps - (iterations - 1) * perIteration;
  if (iterations === 0) [iterations, firstSteps] = [1, steps];
  const first: Seq = { state: primed, events: [], score: primerScore };
  let beams = [first, ...Array.from({ length: beamSize - 1 }, () => copy(first))];
  extend(beams, firstSteps);
  for (let it = 1; it < iterations; it++) {
    const branches = beams.flatMap((b) => [b, ...Array.from({ length: branchFactor - 1 }, () => copy(b))]);
    extend(branches, perIteration);
    beams = branches
      .map((b, i) => ({ b, i }))
      .sort((x, y) => y.b.score - x.b.score || x.i - y.i)
      .slice(0, beamSize)
      .map((x) => x.b);
  }
  return beams.reduce((a, b) => (b.score > a.score ? b : a));
}

describe('beamSearch', () => {
  it.each([
    [8, 4, 1],
    [8, 4, 4],
    [4, 2, 3],
    [3, 5, 2],
  ])(
    '%i x %i, %i steps per iteration, equals the eager search that feeds every branch',
    (beamSize, branchFactor, perIteration) => {
      for (const seed of [0, 5]) {
        const eager = eagerBeamSearch(model, [...primer.events], 24, beamSize, branchFactor, perIteration, seed);
        const beam = beamSearch(model, primer, 24, {
          beamSize,
          branchFactor,
          stepsPerIteration: perIteration,
          temperature: 1,
          seed,
        });
        expect([...beam.events]).toEqual(eager.events);
        expect(beam.totalLogLikelihood).toBe(eager.score);
        // The returned state has seen every event: it carries on exactly as the eager one.
        expect([...beam.state.logits]).toEqual([...eager.state.logits]);
        expect(beam.state.position).toBe(eager.state.position);
        if (perIteration === 1) expect(beam.networkSteps).toBeLessThanOrEqual(beamSize * 23 + 1);
      }
    },
  );

  it('beam 1 x branch 1 is plain sampling with the same seed', () => {
    const plain = continueEvents(model, primer, 12, { temperature: 1, seed: 8 });
    const beam = beamSearch(model, primer, 12, { beamSize: 1, branchFactor: 1, temperature: 1, seed: 8 });
    expect([...beam.events]).toEqual([...plain.events]);
    expect(beam.totalLogLikelihood).toBeCloseTo(plain.totalLogLikelihood, 9);
  });

  it('keeps the best-scoring branch and reports its log-likelihood', () => {
    const beam = beamSearch(model, primer, 32, {
      beamSize: 8,
      branchFactor: 4,
      stepsPerIteration: 4,
      temperature: 1,
      seed: 4,
    });
    expect(beam.events.length).toBe(32);
    const check = evaluateEvents(model, { events: [...primer.events, ...beam.events] }, { temperature: 1 });
    expect(check.logLikelihood).toBeCloseTo(beam.totalLogLikelihood, 6);
    // Over several seeds, the beam's pick beats plain sampling's on average.
    let beamSum = 0;
    let plainSum = 0;
    for (let seed = 0; seed < 4; seed++) {
      beamSum += beamSearch(model, primer, 16, { beamSize: 4, branchFactor: 4, temperature: 1, seed }).logLikelihood;
      plainSum += continueEvents(model, primer, 16, { temperature: 1, seed }).logLikelihood;
    }
    expect(beamSum).toBeGreaterThan(plainSum);
    expect(() => beamSearch(model, primer, 4, { beamSize: 0, branchFactor: 1 })).toThrow(/beamSize/);
  });
});
