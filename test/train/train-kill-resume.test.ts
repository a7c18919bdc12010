import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMidi, rockBeat } from '../../src/data/testing/make-midi.js';

const ARGS = [
  '--layers',
  '1',
  '--units',
  '16',
  '--batch',
  '4',
  '--crop',
  '16',
  '--epochs',
  '4',
  '--checkpoint-minutes',
  '0',
  '--lr',
  '0.01',
];

function startTraining(midi: string, out: string, extra: string[] = []) {
  const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'train', '--midi', midi, '--out', out, ...ARGS, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const done = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 137 : 1))),
  );
  return { child, done, log: () => log };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('antiphon train survives being killed', () => {
  it(
    'a run killed with SIGKILL continues from its checkpoint with --resume and finishes',
    { timeout: 240_000 },
    async () => {
      const midi = await mkdtemp(join(tmpdir(), 'antiphon-kill-midi-'));
      for (let i = 0; i < 12; i++) {
        await mkdir(join(midi, `set${i % 3}`), { recursive: true });
        await writeFile(
          join(midi, `set${i % 3}`, `beat${i}.mid`),
          makeMidi([{ tempos: [{ tick: 0, qpm: 90 + i }], hits: rockBeat(4 + i) }]),
        );
      }
      const out = join(await mkdtemp(join(tmpdir(), 'antiphon-kill-out-')), 'model');
      const first = startTraining(midi, out);
      // Kill as soon as a resumable checkpoint exists, mid-run.
      const deadline = Date.now() + 120_000;
      while (!(await exists(join(out, 'train-state', 'state.json'))) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      process.kill(-(first.child.pid ?? 0), 'SIGKILL');
      expect(await first.done).toBe(137);
      const saved = JSON.parse(await readFile(join(out, 'train-state', 'state.json'), 'utf8')) as {
        progress: { batches: number; finished: boolean };
      };
      expect(saved.progress.finished).toBe(false);

      const second = startTraining(midi, out, ['--resume']);
      const code = await second.done;
      expect(code, second.log()).toBe(0);
      expect(second.log()).toMatch(/resuming after \d+ batches/);
      expect(second.log()).toContain('tfjs backend: wasm');
      for (const file of [
        'config.json',
        'weights_manifest.json',
        'float/config.json',
        'groove.json',
        'loss.svg',
        'eval.json',
        'baselines.json',
      ]) {
        expect(await exists(join(out, file)), file).toBe(true);
      }
      const evalJson = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8')) as {
        validation: { name: string; nllPerStep: number }[];
      };
      expect(evalJson.validation.map((r) => r.name)).toContain('model float32');
    },
  );
});
