import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { trainCommand } from './train-command.js';

/**
 * `npm run train:default`: reproduces models/gmd-drums from the Groove MIDI Dataset in two
 * phases, each resumable (run the script again after an interruption; at most one validation
 * interval, or 5 minutes, is lost):
 *  1. 2x128 on 64-step crops until validation stops improving (runs/gmd-drums-phase1);
 *  2. fine-tuned from phase 1's best on 256-step crops with more dropout, because the model is
 *     scored over whole files and drifts beyond the length it was trained on (models/gmd-drums).
 * Extra arguments go to the running phase (e.g. `-- --max-minutes 60`).
 */
const DATA = ['--midi', '../shared/data/groove'];
const PHASE1_OUT = 'runs/gmd-drums-phase1';
const PHASE1 = [...DATA, '--out', PHASE1_OUT, '--resume', '--layers', '2', '--units', '128', '--batch', '32', '--crop', '64', '--lr', '0.005', '--dropout', '0.1', '--epochs', '40'];
const PHASE2 = [...DATA, '--out', 'models/gmd-drums', '--resume', '--from', join(PHASE1_OUT, 'float'), '--batch', '8', '--crop', '256', '--lr', '0.002', '--dropout', '0.3', '--epochs', '8'];

const extra = process.argv.slice(2);
const finished = (dir: string): Promise<boolean> => access(join(dir, 'eval.json')).then(() => true, () => false);
let code = 0;
if (!(await finished(PHASE1_OUT))) code = await trainCommand([...PHASE1, ...extra]);
if (code === 0 && (await finished(PHASE1_OUT))) code = await trainCommand([...PHASE2, ...extra]);
process.exitCode = code;
