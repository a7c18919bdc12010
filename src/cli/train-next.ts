import { runTrainPhases } from './train-phases.js';
import { GMD_DRUMS_PHASES, gmdDrumsArgs } from './train-recipe.js';

/**
 * `npm run train:next`: the shipped recipe (train:default) with drum-aware augmentation of the
 * training crops, into models/gmd-drums-next so the shipped model is never touched. Resumable
 * like train:default: run it again and it goes on where it stopped (e.g.
 * `npm run train:next -- --max-minutes 60`).
 *
 * The strengths: 21% of GMD's training hits are softer than velocity 40, so --ghost-drop 0.2 drops
 * about 4% of all hits; closed hat and ride (85k and 43k hits) trade places in 10% of crops;
 * the toms (10k, 11k and 1k) are permuted in 20%; --grid-jitter 0.15 moves hits played within 0.15
 * of a 16th's boundary across it now and then (5.6% of training steps change). All four together
 * change 14.9% of the training steps and keep 95.3% of the hits.
 */
const NEXT_OUT = 'models/gmd-drums-next';
const NEXT_AUGMENTATION = [
  ...['--ghost-drop', '0.2', '--ghost-velocity', '40'],
  ...['--hat-ride-swap', '0.1', '--tom-swap', '0.2', '--grid-jitter', '0.15'],
];

process.exitCode = await runTrainPhases(
  NEXT_OUT,
  [...gmdDrumsArgs(NEXT_OUT), ...NEXT_AUGMENTATION],
  GMD_DRUMS_PHASES,
  process.argv.slice(2),
);
