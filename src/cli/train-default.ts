import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { trainCommand } from './train-command.js';

/**
 * `npm run train:default`: reproduces models/gmd-drums from the Groove MIDI Dataset in three
 * phases, each resumable (run the script again after an interruption; at most one validation
 * interval, or 5 minutes, is lost):
 *  1. 2x128 on 64-step crops until validation stops improving (runs/gmd-drums-phase1);
 *  2. fine-tuned from phase 1's best on 256-step crops with more dropout, because the model is
 *     scored over whole files and drifts beyond the length it was trained on (runs/gmd-drums-phase2);
 *  3. fine-tuned from phase 2's best streaming whole files, the state carried from crop to crop,
 *     so it stays sharp thousands of steps into a performance (models/gmd-drums).
 * Extra arguments go to the running phase (e.g. `-- --max-minutes 60`).
 */
const DATA = ['--midi', '../shared/data/groove'];
const PHASE1_OUT = 'runs/gmd-drums-phase1';
const PHASE2_OUT = 'runs/gmd-drums-phase2';
const PHASES = [
  [...DATA, '--out', PHASE1_OUT, '--resume', '--layers', '2', '--units', '128', '--batch', '32', '--crop', '64', '--lr', '0.005', '--dropout', '0.1', '--epochs', '40'],
  [...DATA, '--out', PHASE2_OUT, '--resume', '--from', join(PHASE1_OUT, 'float'), '--batch', '8', '--crop', '256', '--lr', '0.002', '--dropout', '0.3', '--epochs', '8'],
  [...DATA, '--out', 'models/gmd-drums', '--resume', '--from', join(PHASE2_OUT, 'float'), '--stream', '--batch', '16', '--crop', '128', '--lr', '0.001', '--dropout', '0.3', '--epochs', '12'],
];

const extra = process.argv.slice(2);
const finished = (args: readonly string[]): Promise<boolean> =>
  access(join(args[args.indexOf('--out') + 1] ?? '', 'eval.json')).then(() => true, () => false);
let code = 0;
for (const [i, phase] of PHASES.entries()) {
  // The last phase always runs (resuming its own state): models/ holds the committed model's
  // report, which must not pass for a finished run on a fresh clone.
  const last = i === PHASES.length - 1;
  if (!last && (await finished(phase))) continue;
  code = await trainCommand([...phase, ...extra]);
  // A phase stopped by --max-minutes is unfinished: the next run of the script resumes it.
  if (code !== 0 || !(await finished(phase))) break;
}
process.exitCode = code;
