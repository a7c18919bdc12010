import { trainCommand } from './train-command.js';

/** `tsx src/cli/train-main.ts ARGS`: the train command on its own, until the CLI dispatcher routes to it. */
process.exitCode = await trainCommand(process.argv.slice(2));
