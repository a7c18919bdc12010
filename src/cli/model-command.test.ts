import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomCheckpoint } from '../model/checkpoint/random-checkpoint.js';
import { writeCheckpoint } from '../model/checkpoint/writer.js';
import { runModelCommand } from './model-command.js';

let dir = '';
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-cmd-'));
  await writeCheckpoint(join(dir, 'float'), randomCheckpoint({ layerUnits: [16, 16, 16], attentionLength: 8 }));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('antiphon model', () => {
  it('info prints architecture, parameters, bytes and the pitch map', async () => {
    const c = capture();
    expect(await runModelCommand(['info', join(dir, 'float')], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/layers: 3 x LSTM \[16, 16, 16\]/);
    expect(text).toMatch(/attention: length 8, size 16/);
    expect(text).toMatch(/parameters: [\d,]+/);
    expect(text).toMatch(/pitch map: classic/);
    expect(text).toMatch(/1 snare: 38 27/);
  });

  it('quantize writes a smaller copy that loads', async () => {
    const c = capture();
    const out = join(dir, 'u8');
    expect(await runModelCommand(['quantize', join(dir, 'float'), out, '--dtype', 'uint8'], c.io)).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'weights_manifest.json'), 'utf8'));
    expect(manifest[0].weights[0].quantization.dtype).toBe('uint8');
    const info = capture();
    expect(await runModelCommand(['info', out], info.io)).toBe(0);
    expect(info.out.join('\n')).toMatch(/\(uint8\)/);
  });

  it('reports bad usage and corrupt models with an exit code, not a crash', async () => {
    const usage = capture();
    expect(await runModelCommand(['quantize', 'a', 'b', '--dtype', 'int4'], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/usage/);
    const broken = join(dir, 'broken');
    await writeCheckpoint(broken, randomCheckpoint({ layerUnits: [4] }));
    await writeFile(join(broken, 'group1-shard1of1'), new Uint8Array(10));
    const c = capture();
    expect(await runModelCommand(['info', broken], c.io)).toBe(1);
    expect(c.err[0]).toMatch(/truncated-shard.*group1-shard1of1/);
  });
});
