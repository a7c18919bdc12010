// @magenta/music (its own tfjs, CPU backend in Node): per-step time of continueSequence.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { drumEventsToOracle, loadOracle, serveCheckpoint } from '../../test/engine/magenta-oracle.js';
import { PRIMER, emit, timePerStep } from './common.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: magenta.probe.ts DIR');
const files = new Map<string, Uint8Array>();
for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(join(dir, name))));
const server = await serveCheckpoint(files);
const model = await loadOracle(server.url);
const primer = drumEventsToOracle(PRIMER.slice(0, 2), [36, 38, 42, 46, 45, 48, 50, 49, 51]);
const steps = 16;
// magenta-js runs primer + steps - 1 network steps per call.
const timing = await timePerStep(
  () => model.continueSequence(primer, steps),
  primer.totalQuantizedSteps + steps - 1,
  4000,
  3,
);
model.dispose();
await server.close();
emit(timing);
