import { trainCommand } from './train-command.js';

/**
 * `npm run train:default`: reproduces models/gmd-drums from the Groove MIDI Dataset. Run it
 * again after an interruption: it resumes from the last checkpoint (at most 5 minutes lost).
 * Extra arguments are passed through (e.g. `-- --max-minutes 60`).
 */
const DEFAULT_ARGS = [
  '--midi', '../shared/data/groove', '--out', 'models/gmd-drums', '--resume',
  '--layers', '2', '--units', '128', '--batch', '32', '--crop', '64', '--lr', '0.005', '--dropout', '0.1', '--epochs', '40',
];
process.exitCode = await trainCommand([...DEFAULT_ARGS, ...process.argv.slice(2)]);
