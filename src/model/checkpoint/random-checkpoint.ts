import { SeededRandom } from '../../util/seeded-random.js';
import { ATTENTION_PREFIX, variableNames } from './architecture.js';
import type { ChordEncoderType } from './config.js';
import { CHORD_ENCODER_DEPTHS } from './config.js';
import type { CheckpointToWrite, TensorToWrite } from './writer.js';

export interface RandomCheckpointSpec {
  readonly layerUnits: readonly number[];
  readonly attentionLength?: number;
  /** Drums with the 6-bit counter (as drum_kit_rnn), or basic_rnn's melody range. */
  readonly kind?: 'drums' | 'melody';
  readonly seed?: number;
  /** Weight range multiplier; 1 gives lively but stable dynamics. */
  readonly gain?: number;
  /**
   * `uniform` weights, or `heavy`-tailed (Laplace) ones whose largest values sit ~10 standard
   * deviations out, as trained weights' do: the case where per-tensor quantisation hurts.
   */
  readonly distribution?: 'uniform' | 'heavy';
  /** Conditions on chords with this magenta-js encoder (its control vector precedes the events). */
  readonly chordEncoder?: ChordEncoderType;
}

/**
 * A well-formed checkpoint with seeded random weights in magenta-js's layout: the fixture for
 * differential tests and benchmarks, where a published model cannot be downloaded.
 */
export function randomCheckpoint(spec: RandomCheckpointSpec): CheckpointToWrite {
  const rng = new SeededRandom(spec.seed ?? 1);
  const gain = spec.gain ?? 1;
  const kind = spec.kind ?? 'drums';
  const eventDepth = kind === 'drums' ? 512 : 38;
  const auxDepth = kind === 'drums' ? 6 : 0;
  const controlDepth = spec.chordEncoder === undefined ? 0 : CHORD_ENCODER_DEPTHS[spec.chordEncoder];
  const inputSize = controlDepth + eventDepth + auxDepth;
  const tensors: TensorToWrite[] = [];
  const add = (name: string, shape: number[], fanIn: number): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    const range = (gain * 1.7) / Math.sqrt(fanIn);
    const values = new Float32Array(n);
    if (spec.distribution === 'heavy') {
      // Laplace with the uniform's standard deviation (range / sqrt(3)).
      const b = range / Math.sqrt(6);
      for (let i = 0; i < n; i++) {
        const u = rng.nextSigned();
        values[i] = -Math.sign(u) * Math.log(1 - Math.abs(u) + 1e-12) * b;
      }
    } else {
      for (let i = 0; i < n; i++) values[i] = rng.nextSigned() * range;
    }
    tensors.push({ name, shape, values });
  };
  const attention = spec.attentionLength !== undefined;
  const prefix = attention ? ATTENTION_PREFIX : 'rnn/';
  const units = spec.layerUnits;
  const last = units[units.length - 1] ?? 1;
  const attnSize = last;
  if (attention) {
    add(variableNames.attnInputKernel, [inputSize + attnSize, inputSize], 16);
    add(variableNames.attnInputBias, [inputSize], 16);
  }
  units.forEach((u, l) => {
    const input = l === 0 ? inputSize : (units[l - 1] ?? 0);
    add(variableNames.cellKernel(prefix, l), [input + u, 4 * u], l === 0 ? 24 + u : input + u);
    add(variableNames.cellBias(prefix, l), [4 * u], 16);
  });
  if (attention) {
    const query = units.reduce((a, u) => a + 2 * u, 0);
    add(variableNames.attnW, [1, 1, attnSize, attnSize], attnSize);
    add(variableNames.attnV, [attnSize], attnSize);
    add(variableNames.attnQueryKernel, [query, attnSize], query);
    add(variableNames.attnQueryBias, [attnSize], 16);
    add(variableNames.attnOutputKernel, [last + attnSize, attnSize], last + attnSize);
    add(variableNames.attnOutputBias, [attnSize], 16);
  }
  // Sharper logits than the hidden layers, so argmax is well separated from runners-up.
  add(variableNames.fcWeights, [attention ? attnSize : last, eventDepth], (attention ? attnSize : last) / 9);
  add(variableNames.fcBiases, [eventDepth], 4);
  const config: Record<string, unknown> = {
    type: 'MusicRNN',
    dataConverter:
      kind === 'drums'
        ? { type: 'DrumsOneHotConverter', args: {} }
        : { type: 'MelodyConverter', args: { minPitch: 48, maxPitch: 83 } },
    ...(attention ? { attentionLength: spec.attentionLength } : {}),
    ...(kind === 'drums' ? { auxInputs: [{ type: 'BinaryCounter', args: { numBits: 6 } }] } : {}),
    ...(spec.chordEncoder === undefined ? {} : { chordEncoder: spec.chordEncoder }),
  };
  return { config, tensors };
}
