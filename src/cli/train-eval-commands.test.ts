import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeMidi, rockBeat } from '../data/testing/make-midi.js';
import { saveBaselines } from '../eval/baselines.js';
import { selectTrainBackend } from '../train/backend.js';
import { exportDrumModel } from '../train/model-export.js';
import { DrumNetwork } from '../train/network.js';
import { evalCommand } from './eval-command.js';
import { trainCommand } from './train-command.js';

const capture = () => {
  const lines: string[] = [];
  return { write: (s: string) => void lines.push(s), text: () => lines.join('') };
};

let midiDir = '';
beforeAll(async () => {
  await selectTrainBackend();
  midiDir = await mkdtemp(join(tmpdir(), 'antiphon-cmd-midi-'));
  for (let i = 0; i < 4; i++) await writeFile(join(midiDir, `beat${i}.mid`), makeMidi([{ hits: rockBeat(4 + i) }]));
  await writeFile(join(midiDir, 'broken.mid'), new Uint8Array([1, 2, 3]));
});

describe('trainCommand', () => {
  it('exits 2 with the usage on missing or bad arguments', async () => {
    for (const argv of [
      [],
      ['--midi', 'x'],
      ['--midi', 'x', '--out', 'y', '--epochs', 'many'],
      ['--midi', 'x', '--out', 'y', '--restart-lr', '0'],
      ['--bogus'],
    ]) {
      const out = capture();
      expect(await trainCommand(argv, out.write), argv.join(' ')).toBe(2);
      expect(out.text()).toContain('usage: antiphon train');
    }
  });

  it('refuses --attention on a stack magenta-js could not load, saying why', async () => {
    const out = capture();
    expect(await trainCommand(['--midi', midiDir, '--out', '/tmp/x', '--attention', '--layers', '2'], out.write)).toBe(
      2,
    );
    expect(out.text()).toContain('magenta-js loads attention models with exactly three layers');
    const locked = capture();
    expect(
      await trainCommand(
        ['--midi', midiDir, '--out', '/tmp/x', '--attention', '--layers', '3', '--locked-dropout'],
        locked.write,
      ),
    ).toBe(2);
    expect(locked.text()).toContain('--locked-dropout does not combine with --attention');
    const ar = capture();
    expect(
      await trainCommand(['--midi', midiDir, '--out', '/tmp/x', '--attention', '--layers', '3', '--ar', '2'], ar.write),
    ).toBe(2);
    expect(ar.text()).toContain('--ar does not combine with --attention');
  });

  it(
    '--from fine-tunes: it starts from the given model, keeps its shape, and writes a new one',
    { timeout: 120_000 },
    async () => {
      const source = await mkdtemp(join(tmpdir(), 'antiphon-from-'));
      const net = new DrumNetwork({ layers: [12, 8], eventCount: 512, counterBits: 6 }, undefined, 5);
      await exportDrumModel(join(source, 'm'), net, 'classic');
      net.dispose();
      const out = await mkdtemp(join(tmpdir(), 'antiphon-tuned-'));
      const log = capture();
      const code = await trainCommand(
        [
          '--midi',
          midiDir,
          '--out',
          out,
          '--from',
          join(source, 'm', 'float'),
          '--epochs',
          '1',
          '--batch',
          '4',
          '--crop',
          '16',
        ],
        log.write,
      );
      expect(code, log.text()).toBe(0);
      const before = /validation before training: (\d+\.\d+)/.exec(log.text())?.[1];
      expect(Number(before)).toBeGreaterThan(5); // the untrained source model, not a fresh unigram-initialised one
      const { readCheckpoint } = await import('../model/checkpoint/reader.js');
      const { openCheckpointSource } = await import('../model/checkpoint/source.js');
      const tuned = await readCheckpoint(openCheckpointSource(join(out, 'float')));
      expect(tuned.tensors.get('rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel')?.shape).toEqual([12 + 8, 4 * 8]);
      const pitchClasses =
        tuned.config.dataConverter.type === 'DrumsOneHotConverter'
          ? tuned.config.dataConverter.args.pitchClasses
          : undefined;
      expect(pitchClasses?.[7]).toEqual([49, 55, 57, 58]); // the classic map of the source, kept
    },
  );

  it('rejects a drop rate outside [0, 1) for --dropout, --weight-drop and --input-drop, naming the option', async () => {
    for (const option of ['--dropout', '--weight-drop', '--input-drop']) {
      for (const bad of ['1', '1.5', '-0.1', 'half']) {
        const out = capture();
        expect(
          await trainCommand(['--midi', midiDir, '--out', '/tmp/x', option, bad], out.write),
          `${option} ${bad}`,
        ).toBe(2);
        expect(out.text()).toContain(option);
        expect(out.text()).toContain('usage: antiphon train');
      }
    }
  });

  it(
    'stores --weight-drop, --input-drop, --locked-dropout, --ar and --tar in the run settings (off by default)',
    { timeout: 120_000 },
    async () => {
      const { loadTrainState } = await import('../train/train-state.js');
      const settingsOf = async (extra: string[]) => {
        const out = await mkdtemp(join(tmpdir(), 'antiphon-awd-'));
        const log = capture();
        const args = [
          '--midi',
          midiDir,
          '--out',
          out,
          '--layers',
          '1',
          '--units',
          '8',
          '--epochs',
          '1',
          '--batch',
          '4',
          '--crop',
          '16',
          ...extra,
        ];
        expect(await trainCommand(args, log.write), log.text()).toBe(0);
        return (await loadTrainState(join(out, 'train-state')))?.progress.settings;
      };
      expect(
        await settingsOf([
          '--weight-drop',
          '0.3',
          '--input-drop',
          '0.1',
          '--locked-dropout',
          '--ar',
          '2',
          '--tar',
          '1',
        ]),
      ).toMatchObject({ weightDrop: 0.3, inputDrop: 0.1, lockedDropout: true, activationReg: 2, temporalReg: 1 });
      const plain = await settingsOf([]);
      expect(plain).toMatchObject({ weightDrop: 0, inputDrop: 0 });
      expect(plain).not.toHaveProperty('lockedDropout');
    },
  );

  it('--finish with no interrupted run says so (exit 2)', async () => {
    const out = capture();
    expect(
      await trainCommand(['--midi', midiDir, '--out', await mkdtemp(join(tmpdir(), 'o-')), '--finish'], out.write),
    ).toBe(2);
    expect(out.text()).toContain('no interrupted run');
  });

  it('fails cleanly (exit 1) when --from is not a model', async () => {
    const out = capture();
    expect(
      await trainCommand(
        ['--midi', midiDir, '--out', await mkdtemp(join(tmpdir(), 'o-')), '--from', midiDir],
        out.write,
      ),
    ).toBe(1);
    expect(out.text()).toMatch(/train failed: .*config\.json/);
  });
});

describe('evalCommand', () => {
  it('prints NLL per step and exact-event accuracy for the model and its baselines', async () => {
    const model = await mkdtemp(join(tmpdir(), 'antiphon-cmd-model-'));
    const net = new DrumNetwork({ layers: [16], eventCount: 512, counterBits: 6 });
    await exportDrumModel(model, net, 'current');
    net.dispose();
    await writeFile(
      join(model, 'baselines.json'),
      JSON.stringify(saveBaselines([Uint16Array.from({ length: 64 }, (_, t) => (t % 4 === 0 ? 5 : 0))])),
    );
    const out = capture();
    const err = capture();
    expect(await evalCommand([model, midiDir, '--engine', 'reference'], out.write, err.write)).toBe(0);
    expect(out.text()).toMatch(/model \(reference engine\)\s+\d\.\d{4}\s+\d+\.\d%/);
    expect(out.text()).toMatch(/unigram\s+\d\.\d{4}/);
    expect(out.text()).toMatch(/bernoulli/);
    expect(err.text()).toContain('skipped broken.mid: corrupt');
  });

  it('exit codes: 2 for usage, 1 for a folder that is not a model', async () => {
    const err = capture();
    expect(await evalCommand([], err.write, err.write)).toBe(2);
    expect(await evalCommand(['a', 'b', '--engine', 'gpu'], err.write, err.write)).toBe(2);
    expect(await evalCommand([midiDir, midiDir], err.write, err.write)).toBe(1);
    expect(err.text()).toContain('eval failed');
  });
});
