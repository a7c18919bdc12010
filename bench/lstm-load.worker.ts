/**
 * The engine generating, as the clock must survive it: our int8 engine running a
 * drum_kit_rnn-sized model (3 LSTM layers of 256, attention 32, about 2.97 M parameters, seeded
 * random weights) step after step until told to stop, exactly as the box's generator worker does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readCheckpoint } from '../src/model/checkpoint/reader.js';
import { memorySource } from '../src/model/checkpoint/source.js';
import { serializeCheckpoint } from '../src/model/checkpoint/writer.js';
import { randomCheckpoint } from '../src/model/checkpoint/random-checkpoint.js';
import { MusicRnn } from '../src/model/music-rnn.js';

const stopFlag = new Int32Array((workerData as { stop: SharedArrayBuffer }).stop);
const checkpoint = await readCheckpoint(
  memorySource(serializeCheckpoint(randomCheckpoint({ layerUnits: [256, 256, 256], attentionLength: 32, seed: 7 }))),
);
const model = new MusicRnn(checkpoint, { engine: 'int8' });
const state = model.newState();

let steps = 0;
const started = performance.now();
while (Atomics.load(stopFlag, 0) === 0) {
  // Kick with hat on the beat, hat alone between: the shape of a drum primer.
  model.feed(state, steps % 4 === 0 ? 5 : 4);
  steps++;
}
parentPort?.postMessage({ steps, msPerStep: (performance.now() - started) / Math.max(1, steps) });
