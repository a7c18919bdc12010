import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeArchitecture } from './architecture.js';
import {
  CheckpointError,
  ConfigMismatchError,
  MalformedFileError,
  MissingFileError,
  MissingVariableError,
  NonFiniteWeightError,
  OversizedShardError,
  TruncatedShardError,
  UnknownVariableError,
  UnreadableFileError,
  UnsupportedDtypeError,
  WrongShapeError,
} from './errors.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import { affineRange, quantizeTensor } from './quantize-weights.js';
import { randomCheckpoint } from './random-checkpoint.js';
import { readCheckpoint } from './reader.js';
import { memorySource, urlSource } from './source.js';
import { serializeCheckpoint } from './writer.js';

const small = randomCheckpoint({ layerUnits: [8, 8], seed: 3 });
const withAttention = randomCheckpoint({ layerUnits: [8, 8, 8], attentionLength: 4, seed: 4 });
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const json = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

async function load(files: Map<string, Uint8Array>) {
  const cp = await readCheckpoint(memorySource(files));
  return { cp, arch: describeArchitecture(cp) };
}

async function loadError(files: Map<string, Uint8Array>): Promise<CheckpointError> {
  try {
    await load(files);
  } catch (err) {
    if (err instanceof CheckpointError) return err;
    throw err;
  }
  throw new Error('loaded without error');
}

function editManifest(
  files: Map<string, Uint8Array>,
  edit: (m: { paths: string[]; weights: Record<string, unknown>[] }[]) => void,
) {
  const m = JSON.parse(text(files.get('weights_manifest.json')));
  edit(m);
  files.set('weights_manifest.json', json(m));
  return files;
}

describe('checkpoint round trip', () => {
  it('reads back exactly what it wrote, over several shards', async () => {
    const files = serializeCheckpoint(withAttention, { shardBytes: 1000 });
    expect([...files.keys()].filter((f) => f.startsWith('group1-')).length).toBeGreaterThan(3);
    const { cp, arch } = await load(files);
    expect(arch.layerUnits).toEqual([8, 8, 8]);
    expect(arch.attention).toEqual({ length: 4, size: 8 });
    expect(arch.inputSize).toBe(518);
    for (const t of withAttention.tensors) expect(cp.tensors.get(t.name)?.values).toEqual(t.values);
  });

  it('loads over HTTP', async () => {
    const files = serializeCheckpoint(small);
    const server = createServer((req, res) => {
      const body = files.get((req.url ?? '').replace(/^\/model\//, ''));
      res.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const cp = await readCheckpoint(urlSource(`http://127.0.0.1:${port}/model`));
      expect(describeArchitecture(cp).layerUnits).toEqual([8, 8]);
      await expect(readCheckpoint(urlSource(`http://127.0.0.1:${port}/nothing`))).rejects.toBeInstanceOf(
        MissingFileError,
      );
    } finally {
      server.close();
    }
  });

  it.each(['uint8', 'uint16', 'float16'] as const)('stores %s with tfjs semantics', async (dtype) => {
    const { cp } = await load(serializeCheckpoint(small, { dtype }));
    for (const t of small.tensors) {
      const back = cp.tensors.get(t.name);
      expect(back?.stored).toBe(dtype);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of t.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const step =
        dtype === 'float16'
          ? Math.max(Math.abs(lo), Math.abs(hi)) / 1024
          : (hi - lo) / (dtype === 'uint8' ? 255 : 65535);
      t.values.forEach((v, i) =>
        expect(Math.abs((back?.values[i] ?? NaN) - v)).toBeLessThanOrEqual(step * 0.5001 + 1e-7),
      );
    }
  });
});

describe('tfjs quantisation details', () => {
  it('nudges min so that 0 is exact', () => {
    const values = new Float32Array([-0.3, 0, 0.1, 0.7]);
    const q = quantizeTensor(values, 'uint8');
    const { scale, min } = q.quantization as { scale: number; min: number };
    const zero = q.bytes[1] ?? -1;
    expect(zero * scale + min).toBe(0);
    // 0.3 * 255 = 76.4999... in doubles: the zero point rounds to 76.
    expect(affineRange(-0.3, 0.7, 255).min).toBeCloseTo(-76 / 255, 12);
  });

  it('stores a constant tensor exactly', () => {
    const q = quantizeTensor(new Float32Array([0.25, 0.25]), 'uint8');
    expect(q.quantization).toEqual({ dtype: 'uint8', scale: 1, min: 0.25 });
    expect([...q.bytes]).toEqual([0, 0]);
  });

  it('converts float16 with round-to-even, subnormals and infinities', () => {
    for (const v of [0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.1]) {
      expect(float16ToFloat32(float32ToFloat16(v))).toBeCloseTo(v, 3);
    }
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie goes to even
    expect(float32ToFloat16(1e6)).toBe(0x7c00);
    expect(float16ToFloat32(0xfc00)).toBe(-Infinity);
  });
});

describe('corrupt checkpoints get specific errors', () => {
  it('missing config, manifest or shard', async () => {
    for (const f of ['config.json', 'weights_manifest.json', 'group1-shard2of3']) {
      const files = serializeCheckpoint(small, { shardBytes: 30000 });
      files.delete(f);
      const err = await loadError(files);
      expect(err).toBeInstanceOf(MissingFileError);
      expect(err.file).toBe(f);
    }
  });

  it('a file that cannot be read (I/O error) is its own error', async () => {
    const files = serializeCheckpoint(small);
    const failing = {
      location: 'flaky',
      read: (f: string) =>
        f === 'group1-shard1of1' ? Promise.reject(new Error('EIO')) : Promise.resolve(files.get(f)),
    };
    const err = await readCheckpoint(failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as UnreadableFileError).file).toBe('group1-shard1of1');
  });

  it('truncated shard names the shard and the first tensor that does not fit', async () => {
    const files = serializeCheckpoint(small, { shardBytes: 30000 });
    const last = files.get('group1-shard3of3') as Uint8Array;
    files.set('group1-shard3of3', last.subarray(0, last.length - 4));
    const err = await loadError(files);
    expect(err).toBeInstanceOf(TruncatedShardError);
    expect(err.file).toBe('group1-shard3of3');
    expect(err.tensor).toBe('fully_connected/biases');
  });

  it('extra bytes after the last tensor', async () => {
    const files = serializeCheckpoint(small);
    files.set('group1-shard1of1', new Uint8Array([...(files.get('group1-shard1of1') ?? []), 1, 2, 3, 4]));
    expect(await loadError(files)).toBeInstanceOf(OversizedShardError);
  });

  it('wrong shape', async () => {
    const files = editManifest(serializeCheckpoint(small), (m) => {
      const w = m[0]?.weights.find((x) => x.name === 'rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel');
      if (w) w['shape'] = [32, 16];
    });
    const err = await loadError(files);
    expect(err).toBeInstanceOf(WrongShapeError);
    expect(err.tensor).toBe('rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel');
  });

  it('unknown and missing variables', async () => {
    const renamed = editManifest(serializeCheckpoint(small), (m) => {
      const w = m[0]?.weights.find((x) => x.name === 'fully_connected/biases');
      if (w) w['name'] = 'fully_connected/extra';
    });
    const missing = await loadError(renamed);
    expect(missing).toBeInstanceOf(MissingVariableError);
    expect(missing.tensor).toBe('fully_connected/biases');

    const extra = serializeCheckpoint({
      config: small.config,
      tensors: [...small.tensors, { name: 'rnn/something_else', shape: [2], values: new Float32Array(2) }],
    });
    const unknown = await loadError(extra);
    expect(unknown).toBeInstanceOf(UnknownVariableError);
    expect(unknown.tensor).toBe('rnn/something_else');
    expect(unknown.file).toBe('group1-shard1of1');
  });

  it('config that does not match the weights', async () => {
    const melodyConfig = {
      ...small.config,
      dataConverter: { type: 'MelodyConverter', args: { minPitch: 48, maxPitch: 83 } },
    };
    const err = await loadError(serializeCheckpoint({ config: melodyConfig, tensors: small.tensors }));
    expect(err).toBeInstanceOf(ConfigMismatchError);
    expect(err.file).toBe('config.json');

    const noAttention = { ...withAttention.config };
    delete noAttention['attentionLength'];
    expect(
      await loadError(serializeCheckpoint({ config: noAttention, tensors: withAttention.tensors })),
    ).toBeInstanceOf(ConfigMismatchError);
    const noAux = { ...small.config, auxInputs: [] };
    expect(await loadError(serializeCheckpoint({ config: noAux, tensors: small.tensors }))).toBeInstanceOf(
      ConfigMismatchError,
    );
  });

  it('NaN weights name the shard, tensor and element', async () => {
    const tensors = [...small.tensors].map((t) => ({ ...t, values: t.values.slice() }));
    const target = tensors.find((t) => t.name === 'rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias');
    if (target) target.values[5] = NaN;
    const err = await loadError(serializeCheckpoint({ config: small.config, tensors }));
    expect(err).toBeInstanceOf(NonFiniteWeightError);
    expect(err.tensor).toBe('rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias');
    expect(err.message).toMatch(/element 5/);
  });

  it('malformed JSON, schema violations and unsupported dtypes', async () => {
    const files = serializeCheckpoint(small);
    files.set('config.json', new TextEncoder().encode('{"type": "MusicRNN",'));
    expect(await loadError(files)).toBeInstanceOf(MalformedFileError);
    files.set('config.json', json({ type: 'MusicVAE' }));
    const schema = await loadError(files);
    expect(schema).toBeInstanceOf(MalformedFileError);
    expect(schema.message).toMatch(/type/);
    const int32 = editManifest(serializeCheckpoint(small), (m) => {
      const w = m[0]?.weights[0];
      if (w) w['dtype'] = 'int32';
    });
    expect(await loadError(int32)).toBeInstanceOf(UnsupportedDtypeError);
  });
});
