import { runTrainPhases } from './train-phases.js';
import { GMD_DRUMS_PHASES, gmdDrumsArgs } from './train-recipe.js';

/**
 * `npm run train:default`: reproduces models/gmd-drums from the Groove MIDI Dataset's train
 * split, validated on its validation split, in the two phases of GMD_DRUMS_PHASES. Resumable:
 * run it again after an interruption and at most one validation interval, or 5 minutes, is lost.
 * Each phase stops early when validation has not improved for six epochs, and the export is
 * calibrated (one softmax temperature fitted on validation).
 * Extra arguments go to the run (e.g. `-- --max-minutes 60`).
 */
const OUT = 'models/gmd-drums';

process.exitCode = await runTrainPhases(OUT, gmdDrumsArgs(OUT), GMD_DRUMS_PHASES, process.argv.slice(2));
