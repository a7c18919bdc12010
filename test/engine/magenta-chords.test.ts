import { afterAll, describe, expect, it } from 'vitest';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { memorySource } from '../../src/model/checkpoint/source.js';
import { serializeCheckpoint } from '../../src/model/checkpoint/writer.js';
import { continueEvents } from '../../src/model/generate.js';
import { MusicRnn } from '../../src/model/music-rnn.js';
import { loadOracle, serveCheckpoint } from './magenta-oracle.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** magenta-js's PitchChordEncoder vector for a triad: [no-chord, root, pitch classes, bass]. */
function pitchChord(root: number, pitches: number[]): Float32Array {
  const v = new Float32Array(37);
  v[1 + root] = 1;
  for (const p of pitches) v[13 + (p % 12)] = 1;
  v[25 + root] = 1;
  return v;
}

describe('chord-conditioned model (control inputs) matches @magenta/music', () => {
  it.each(['reference', 'int8'] as const)('%s engine follows C then G', async (engine) => {
    const files = serializeCheckpoint(
      randomCheckpoint({ layerUnits: [32, 32], kind: 'melody', chordEncoder: 'PitchChordEncoder', seed: 41 }),
    );
    const server = await serveCheckpoint(files);
    closers.push(server.close);
    const oracle = await loadOracle(server.url);
    const primer = {
      notes: [
        { pitch: 60, quantizedStartStep: 0, quantizedEndStep: 4 },
        { pitch: 67, quantizedStartStep: 8, quantizedEndStep: 16 },
      ],
      quantizationInfo: { stepsPerQuarter: 4 },
      totalQuantizedSteps: 16,
    };
    // Two chords over primer + continuation (32 steps): C for steps 0..15, G for 16..31.
    const ref = await (
      oracle as unknown as {
        continueSequenceAndReturnProbabilities(
          s: typeof primer,
          n: number,
          t: undefined,
          chords: string[],
        ): Promise<{ probs: Float32Array[] }>;
      }
    ).continueSequenceAndReturnProbabilities(primer, 16, undefined, ['C', 'G']);
    oracle.dispose();
    const c = pitchChord(0, [0, 4, 7]);
    const g = pitchChord(7, [7, 11, 2]);
    const model = new MusicRnn(await readCheckpoint(memorySource(files)), { engine });
    expect(model.arch.controlDepth).toBe(37);
    const events = [14, 0, 0, 0, 1, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0];
    const ours = continueEvents(model, { events }, 16, {
      returnProbabilities: true,
      controls: (step) => (step < 16 ? c : g),
    });
    let maxDiff = 0;
    ours.probabilities?.forEach((p, s) =>
      p.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - (ref.probs[s]?.[i] ?? NaN))))),
    );
    expect(maxDiff).toBeLessThan(engine === 'reference' ? 1e-5 : 5e-3);
    // The chords matter: without them the prediction differs.
    const unconditioned = continueEvents(model, { events }, 16, {
      returnProbabilities: true,
      controls: () => new Float32Array(37),
    });
    expect(
      Math.abs((unconditioned.probabilities?.[0]?.[0] ?? 0) - (ours.probabilities?.[0]?.[0] ?? 0)),
    ).toBeGreaterThan(1e-4);
  });
});
