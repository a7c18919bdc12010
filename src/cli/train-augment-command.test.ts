import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeMidi, rockBeat } from '../data/testing/make-midi.js';
import { selectTrainBackend } from '../train/backend.js';
import { loadTrainState } from '../train/train-state.js';
import { trainCommand } from './train-command.js';

const capture = () => {
  const lines: string[] = [];
  return { write: (s: string) => void lines.push(s), text: () => lines.join('') };
};

let midiDir = '';
beforeAll(async () => {
  await selectTrainBackend();
  midiDir = await mkdtemp(join(tmpdir(), 'antiphon-augment-midi-'));
  for (let i = 0; i < 3; i++) await writeFile(join(midiDir, `beat${i}.mid`), makeMidi([{ hits: rockBeat(4 + i) }]));
});

describe('antiphon train augmentation options', () => {
  it.each([
    [['--ghost-drop', '1.5'], '--ghost-drop must be a probability'],
    [['--grid-jitter', '0.7'], '--grid-jitter must be from 0 to 0.5'],
    [['--ghost-velocity', '0', '--ghost-drop', '0.2'], '--ghost-velocity must be a MIDI velocity'],
    [['--stream', '--crop', '64', '--tom-swap', '0.2'], '--stream does not combine with augmentation'],
  ])('%j is refused with exit 2, naming the problem', async (args, message) => {
    const out = capture();
    expect(await trainCommand(['--midi', midiDir, '--out', '/tmp/antiphon-unused', ...args], out.write)).toBe(2);
    expect(out.text()).toContain(message);
  });

  it('trains on augmented crops and records the augmentation with the run', { timeout: 60_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'antiphon-augment-'));
    const log = capture();
    const args = ['--midi', midiDir, '--out', out, '--layers', '1', '--units', '8', '--batch', '4', '--crop', '16'];
    const augment = ['--ghost-drop', '0.3', '--hat-ride-swap', '0.5', '--tom-swap', '0.5', '--grid-jitter', '0.1'];
    expect(await trainCommand([...args, '--epochs', '1', ...augment], log.write)).toBe(0);
    expect(log.text()).toMatch(/augmentation: .*"hatRideSwap":0.5.*% of the training hits are ghost notes/);
    const state = await loadTrainState(join(out, 'train-state'));
    // The state file keeps the run's settings as written, untyped.
    expect((state?.progress.settings as { augment?: unknown } | undefined)?.augment).toEqual({
      ghostDrop: 0.3,
      hatRideSwap: 0.5,
      tomSwap: 0.5,
      gridJitter: 0.1,
    });
  });
});
