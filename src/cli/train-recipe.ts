import type { TrainPhase } from './train-phases.js';

/**
 * The shipped model's recipe (models/gmd-drums, `npm run train:default`), shared with
 * `npm run train:next` so the two differ only in what the next run adds.
 *
 * 2x256 on 64-step crops from bar lines. Each event's input row and output column is its drums'
 * parts plus a small part of its own (--factored, --event-decay), so rare drum combinations
 * share what the common ones learnt; validation and the export use a moving average of the
 * weights (--average); dropout on each layer's outputs and DropConnect on the recurrent
 * weights (--weight-drop) hold back memorisation.
 */
export function gmdDrumsArgs(out: string): string[] {
  return [
    ...['--midi', '../shared/data/groove', '--out', out, '--resume'],
    ...['--layers', '2', '--units', '256', '--factored', '--event-decay', '0.0001'],
    ...['--batch', '32', '--crop', '64', '--lr', '0.005'],
    ...['--dropout', '0.4', '--weight-drop', '0.3', '--average', '0.995'],
  ];
}

/**
 * The first phase runs to its cap (its learning rate has halved to a standstill by then); the
 * second restarts the rate and adds AWD-LSTM's activation penalties (--ar, --tar), which keep the
 * top layer's outputs small and slow.
 */
export const GMD_DRUMS_PHASES: readonly TrainPhase[] = [
  { epochs: 60, args: [] },
  { epochs: 80, args: ['--restart-lr', '0.00125', '--ar', '2', '--tar', '1'] },
];
