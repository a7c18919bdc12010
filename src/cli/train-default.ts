import { runTrainPhases } from './train-phases.js';

/**
 * `npm run train:default`: reproduces models/gmd-drums from the Groove MIDI Dataset's train
 * split, validated on its validation split. Resumable: run it again after an interruption and at
 * most one validation interval, or 5 minutes, is lost.
 *
 * 2x256 on 64-step crops from bar lines. Each event's input row and output column is its drums'
 * parts plus a small part of its own (--factored, --event-decay), so rare drum combinations
 * share what the common ones learnt; validation and the export use a moving average of the
 * weights (--average); dropout on each layer's outputs and DropConnect on the recurrent
 * weights (--weight-drop) hold back memorisation. The first phase runs to its cap (its learning
 * rate has halved to a standstill by then); the second restarts the rate and adds AWD-LSTM's
 * activation penalties (--ar, --tar), which keep the top layer's outputs small and slow. Each
 * phase stops early when validation has not improved for six epochs, and the export is
 * calibrated (one softmax temperature fitted on validation).
 * Extra arguments go to the run (e.g. `-- --max-minutes 60`).
 */
const OUT = 'models/gmd-drums';
const COMMON = [
  ...['--midi', '../shared/data/groove', '--out', OUT, '--resume'],
  ...['--layers', '2', '--units', '256', '--factored', '--event-decay', '0.0001'],
  ...[
    '--batch',
    '32',
    '--crop',
    '64',
    '--lr',
    '0.005',
    '--dropout',
    '0.4',
    '--weight-drop',
    '0.3',
    '--average',
    '0.995',
  ],
];
const PHASES = [
  { epochs: 60, args: [] },
  { epochs: 80, args: ['--restart-lr', '0.00125', '--ar', '2', '--tar', '1'] },
];

process.exitCode = await runTrainPhases(OUT, COMMON, PHASES, process.argv.slice(2));
