import { afterAll, describe, expect, it } from 'vitest';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { memorySource } from '../../src/model/checkpoint/source.js';
import { serializeCheckpoint } from '../../src/model/checkpoint/writer.js';
import type { QuantizedSequence } from '../../src/music/note-sequence.js';
import { continueEvents } from '../../src/model/generate.js';
import { MusicRnn } from '../../src/model/music-rnn.js';
import { loadOracle, serveCheckpoint } from './magenta-oracle.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('melody model (basic_rnn layout) matches @magenta/music', () => {
  it('probabilities and argmax continuation', async () => {
    const files = serializeCheckpoint(randomCheckpoint({ layerUnits: [32, 32], kind: 'melody', seed: 31 }));
    const server = await serveCheckpoint(files);
    closers.push(server.close);
    const oracle = await loadOracle(server.url);
    const melody: QuantizedSequence = {
      notes: [
        [60, 0, 2],
        [62, 2, 4],
        [64, 4, 7],
        [67, 8, 12],
        [65, 12, 14],
      ].map(([pitch, startStep, endStep]) => ({
        pitch: pitch ?? 0,
        startStep: startStep ?? 0,
        endStep: endStep ?? 0,
        velocity: 100,
        offsetSteps: 0,
        isDrum: false,
      })),
      stepsPerQuarter: 4,
      totalSteps: 16,
      qpm: 120,
      stepsPerBar: 16,
    };
    const oracleSeq = {
      notes: melody.notes.map((n) => ({
        pitch: n.pitch,
        quantizedStartStep: n.startStep,
        quantizedEndStep: n.endStep,
      })),
      quantizationInfo: { stepsPerQuarter: 4 },
      totalQuantizedSteps: 16,
    };
    const ref = await oracle.continueSequenceAndReturnProbabilities(oracleSeq, 16);
    oracle.dispose();
    const model = new MusicRnn(await readCheckpoint(memorySource(files)), { engine: 'reference' });
    const primer = model.encode(melody);
    expect(Array.from(primer.events)).toEqual([14, 0, 16, 0, 18, 0, 0, 1, 21, 0, 0, 0, 19, 0, 1, 0]);
    const ours = continueEvents(model, primer, 16, { returnProbabilities: true });
    let maxDiff = 0;
    ours.probabilities?.forEach((p, s) =>
      p.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - (ref.probs[s]?.[i] ?? NaN))))),
    );
    expect(maxDiff).toBeLessThan(1e-5);
    const refNotes = (await ref.sequence).notes.map((n) => [n.pitch, n.quantizedStartStep]);
    const ourNotes = model.decode(ours.events, 0).map((n) => [n.pitch, n.startStep]);
    expect(ourNotes).toEqual(refNotes);
    expect(refNotes.length).toBeGreaterThan(0);
  });
});
