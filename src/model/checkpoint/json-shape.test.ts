import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './config.js';
import { JsonShapeError } from './json-shape.js';
import { parseManifest } from './manifest.js';

const drums = { type: 'MusicRNN', dataConverter: { type: 'DrumsOneHotConverter', args: {} } };
const melody = { type: 'MusicRNN', dataConverter: { type: 'MelodyConverter', args: { minPitch: 48, maxPitch: 84 } } };

function problem(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    if (e instanceof JsonShapeError) return e.message;
    throw e;
  }
  throw new Error('parsed without a problem');
}

describe('config.json checks', () => {
  it('accepts the converters, keeps unknown fields and fills in the drum args', () => {
    const cfg = parseModelConfig({
      ...drums,
      dataConverter: { type: 'DrumsOneHotConverter' },
      attentionLength: 32,
      chordEncoder: 'PitchChordEncoder',
      auxInputs: [{ type: 'BinaryCounter', args: { numBits: 5 } }],
      note: 'kept',
    });
    expect(cfg).toEqual({
      type: 'MusicRNN',
      dataConverter: { type: 'DrumsOneHotConverter', args: {} },
      attentionLength: 32,
      chordEncoder: 'PitchChordEncoder',
      auxInputs: [{ type: 'BinaryCounter', args: { numBits: 5 } }],
      note: 'kept',
    });
    const classes = [[36], [38, 40], [42], [46], [45], [48], [50], [49], [51]];
    const withMap = parseModelConfig({
      ...drums,
      dataConverter: { type: 'DrumsOneHotConverter', args: { pitchClasses: classes, extra: 1 } },
    });
    expect(withMap.dataConverter.args).toEqual({ pitchClasses: classes, extra: 1 });
    expect(parseModelConfig(melody).dataConverter).toEqual(melody.dataConverter);
  });

  it('names where a config goes wrong', () => {
    expect(problem(() => parseModelConfig([]))).toBe('(root): expected an object, got array');
    expect(problem(() => parseModelConfig({ ...drums, type: 'MusicVAE' }))).toBe(
      "type: expected 'MusicRNN', got 'MusicVAE'",
    );
    expect(problem(() => parseModelConfig({ type: 'MusicRNN' }))).toBe(
      'dataConverter: expected an object, got undefined',
    );
    expect(
      problem(() =>
        parseModelConfig({ ...melody, dataConverter: { type: 'MelodyConverter', args: { minPitch: 48 } } }),
      ),
    ).toBe('dataConverter.args.maxPitch: expected a finite number, got undefined');
    expect(
      problem(() =>
        parseModelConfig({ ...drums, dataConverter: { type: 'DrumsOneHotConverter', args: { pitchClasses: [[36]] } } }),
      ),
    ).toBe('dataConverter.args.pitchClasses: expected 9 elements, got 1');
    const badPitch = [[36], [38], [42], [46], [45], [48], [50], [49], [128]];
    expect(
      problem(() =>
        parseModelConfig({
          ...drums,
          dataConverter: { type: 'DrumsOneHotConverter', args: { pitchClasses: badPitch } },
        }),
      ),
    ).toBe('dataConverter.args.pitchClasses.8.0: expected 0..127, got 128');
    expect(
      problem(() => parseModelConfig({ ...drums, dataConverter: { type: 'DrumsOneHotConverter', args: null } })),
    ).toBe('dataConverter.args: expected an object, got null');
    expect(problem(() => parseModelConfig({ ...drums, attentionLength: 0 }))).toBe(
      'attentionLength: expected at least 1, got 0',
    );
    expect(problem(() => parseModelConfig({ ...drums, attentionLength: 2.5 }))).toBe(
      'attentionLength: expected an integer, got 2.5',
    );
    expect(problem(() => parseModelConfig({ ...drums, chordEncoder: 'Jazz' }))).toMatch(
      /^chordEncoder: expected 'MajorMinorChordEncoder' or .* got 'Jazz'$/,
    );
    expect(
      problem(() => parseModelConfig({ ...drums, auxInputs: [{ type: 'BinaryCounter', args: { numBits: 31 } }] })),
    ).toBe('auxInputs.0.args.numBits: expected 1..30, got 31');
  });
});

describe('weights_manifest.json checks', () => {
  const weight = { name: 'w', shape: [2, 3], dtype: 'float32' };

  it('accepts float32, affine uint8/uint16 and float16 weights', () => {
    const q8 = { ...weight, quantization: { dtype: 'uint8', scale: 0.5, min: -1, original_dtype: 'float32' } };
    const f16 = { ...weight, quantization: { dtype: 'float16', original_dtype: 'float32' } };
    expect(parseManifest([{ paths: ['a'], weights: [weight, q8, f16] }])).toEqual([
      {
        paths: ['a'],
        weights: [weight, { ...weight, quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }, f16],
      },
    ]);
  });

  it('names where a manifest goes wrong', () => {
    expect(problem(() => parseManifest({}))).toBe('(root): expected an array, got object');
    expect(problem(() => parseManifest([{ paths: [], weights: [] }]))).toBe(
      '0.paths: expected at least 1 element(s), got 0',
    );
    expect(problem(() => parseManifest([{ paths: ['a'], weights: [{ ...weight, shape: [2, -1] }] }]))).toBe(
      '0.weights.0.shape.1: expected at least 0, got -1',
    );
    expect(problem(() => parseManifest([{ paths: ['a'], weights: [{ ...weight, name: '' }] }]))).toBe(
      '0.weights.0.name: expected at least 1 character(s)',
    );
    const badScale = { ...weight, quantization: { dtype: 'uint8', scale: null, min: 0 } };
    expect(problem(() => parseManifest([{ paths: ['a'], weights: [badScale] }]))).toBe(
      '0.weights.0.quantization.scale: expected a finite number, got null',
    );
    const int4 = { ...weight, quantization: { dtype: 'int4' } };
    expect(problem(() => parseManifest([{ paths: ['a'], weights: [int4] }]))).toBe(
      "0.weights.0.quantization.dtype: expected 'uint8' or 'uint16' or 'float16', got 'int4'",
    );
  });
});
