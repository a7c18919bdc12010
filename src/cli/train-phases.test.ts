import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeMidi, rockBeat } from '../data/testing/make-midi.js';
import { selectTrainBackend } from '../train/backend.js';
import { loadTrainState } from '../train/train-state.js';
import { runTrainPhases } from './train-phases.js';

let midiDir = '';
beforeAll(async () => {
  await selectTrainBackend();
  midiDir = await mkdtemp(join(tmpdir(), 'antiphon-phases-midi-'));
  for (let i = 0; i < 4; i++) await writeFile(join(midiDir, `beat${i}.mid`), makeMidi([{ hits: rockBeat(4 + i) }]));
});

const PHASES = [
  { epochs: 1, args: [] },
  { epochs: 2, args: ['--restart-lr', '0.02', '--ar', '1', '--tar', '1'] },
];

async function run(out: string, extra: string[] = []): Promise<string> {
  const lines: string[] = [];
  const common = [
    '--midi',
    midiDir,
    '--out',
    out,
    '--resume',
    '--layers',
    '1',
    '--units',
    '8',
    '--batch',
    '4',
    '--crop',
    '16',
  ];
  expect(await runTrainPhases(out, common, PHASES, extra, (s) => void lines.push(s))).toBe(0);
  return lines.join('');
}

const stateOf = async (out: string) => (await loadTrainState(join(out, 'train-state')))?.progress;

describe('runTrainPhases', () => {
  it(
    'runs each phase after the last, skips the phases already run, and stops where --max-minutes cut it',
    { timeout: 120_000 },
    async () => {
      const out = await mkdtemp(join(tmpdir(), 'antiphon-phases-'));
      const cut = await run(out, ['--max-minutes', '0']);
      expect(cut).toContain('stopped after 0 batches');
      expect(cut).not.toContain('reopening');

      const whole = await run(out);
      expect(whole).toContain('resuming after 0 batches');
      expect(whole).toContain('reopening: the run had stopped at its epoch cap');
      expect(whole).toContain('warm restart at learning rate 0.02');
      const done = await stateOf(out);
      expect(done?.finished).toBe(true);
      expect(done?.history.at(-1)?.epoch).toBe(2);
      expect(done?.settings).toMatchObject({ epochs: 2, activationReg: 1, temporalReg: 1 });

      const again = await run(out);
      expect(again).toBe('');
      expect((await stateOf(out))?.batches).toBe(done?.batches);
    },
  );
});
