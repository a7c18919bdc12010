import * as tf from '@tensorflow/tfjs';
import { selectTrainBackend, type TrainBackend } from '../src/train/backend.js';
import { DrumNetwork } from '../src/train/network.js';

/** Training throughput (sequence steps per second) of the tfjs trainer for a few sizes. */
const backend = await selectTrainBackend((process.argv[2] as TrainBackend | undefined) ?? undefined);
console.log(`backend: ${backend}`);
const batch = Number(process.argv[3] ?? 64);
const steps = Number(process.argv[4] ?? 64);
for (const size of (process.argv[5] ?? '128x2,256x2').split(',')) {
  const [units = 128, layers = 2] = size.split('x').map(Number);
  const net = new DrumNetwork({ layers: Array<number>(layers).fill(units), eventCount: 512, counterBits: 6 });
  const opt = tf.train.adam(1e-3);
  const ids = Array.from({ length: steps }, () =>
    tf.tensor1d(
      Array.from({ length: batch }, () => Math.floor(Math.random() * 512)),
      'int32',
    ),
  );
  const masks = ids.map(() => tf.ones([batch]) as tf.Tensor1D);
  const run = (): number => {
    const loss = opt.minimize(() => net.loss(ids, ids, masks), true, [...net.variables.values()]);
    const v = loss?.dataSync()[0] ?? NaN;
    loss?.dispose();
    return v;
  };
  run();
  const reps = 3;
  const t0 = performance.now();
  let l = 0;
  for (let r = 0; r < reps; r++) l = run();
  const sec = (performance.now() - t0) / 1000 / reps;
  console.log(
    `${size} batch ${batch}x${steps}: ${((batch * steps) / sec).toFixed(0)} steps/s (${sec.toFixed(2)} s/batch, loss ${l.toFixed(3)}, tensors ${tf.memory().numTensors})`,
  );
  net.dispose();
}
