// One MusicRNN step written with @tensorflow/tfjs ops, run on the wasm backend (and on
// tfjs-node when it is installed): what "use tfjs, just a faster backend" would give.
import * as tf from '@tensorflow/tfjs';
import { describeArchitecture, variableNames } from '../../src/model/checkpoint/architecture.js';
import { readCheckpoint } from '../../src/model/checkpoint/reader.js';
import { folderSource } from '../../src/model/checkpoint/source.js';
import { emit, timePerStep } from './common.js';

const [dir, backend] = process.argv.slice(2);
if (dir === undefined || backend === undefined) throw new Error('usage: tfjs.probe.ts DIR wasm|tensorflow');
if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
else await import(/* optional */ '@tensorflow/tfjs-node' as string);
await tf.setBackend(backend);
await tf.ready();

const cp = await readCheckpoint(folderSource(dir));
const arch = describeArchitecture(cp);
const v = (name: string, shape?: number[]): tf.Tensor => {
  const t = cp.tensors.get(name);
  if (!t) throw new Error(name);
  return tf.tensor(t.values, shape ?? [...t.shape]);
};
const at = arch.attention;
const prefix = at ? 'rnn/attention_cell_wrapper/' : 'rnn/';
const forget = tf.scalar(1);
const cells = arch.layerUnits.map((_, l) => {
  const kernel = v(variableNames.cellKernel(prefix, l)) as tf.Tensor2D;
  const bias = v(variableNames.cellBias(prefix, l)) as tf.Tensor1D;
  return (x: tf.Tensor2D, c: tf.Tensor2D, h: tf.Tensor2D) => tf.basicLSTMCell(forget, kernel, bias, x, c, h);
});
const fcW = v(variableNames.fcWeights) as tf.Tensor2D;
const fcB = v(variableNames.fcBiases);
const attn = at && {
  inK: v(variableNames.attnInputKernel) as tf.Tensor2D,
  inB: v(variableNames.attnInputBias),
  w: v(variableNames.attnW, [at.size, at.size]) as tf.Tensor2D,
  v: v(variableNames.attnV),
  qK: v(variableNames.attnQueryKernel) as tf.Tensor2D,
  oK: v(variableNames.attnOutputKernel) as tf.Tensor2D,
  oB: v(variableNames.attnOutputBias),
};
let c = arch.layerUnits.map((u) => tf.zeros([1, u]) as tf.Tensor2D);
let h = arch.layerUnits.map((u) => tf.zeros([1, u]) as tf.Tensor2D);
let read = tf.zeros([1, at?.size ?? 0]) as tf.Tensor2D;
let window = tf.zeros([at?.length ?? 0, at?.size ?? 0]) as tf.Tensor2D;

let t = 0;
async function step(): Promise<void> {
  const out = tf.tidy(() => {
    const x = tf.concat(
      [tf.oneHot([PRIMER_EVENT(t)], arch.eventDepth).toFloat(), tf.ones([1, arch.auxDepth])],
      1,
    ) as tf.Tensor2D;
    let input: tf.Tensor2D = x;
    if (attn) input = tf.add(tf.matMul(tf.concat([x, read], 1), attn.inK), attn.inB);
    const [nc, nh] = tf.multiRNNCell(cells, input, c, h);
    let last = nh[nh.length - 1] as tf.Tensor2D;
    let nextRead = read;
    let nextWindow = window;
    if (attn) {
      const features = tf.matMul(window, attn.w);
      const query = tf.matMul(
        tf.concat(
          nc.flatMap((ci, i) => [ci, nh[i] as tf.Tensor2D]),
          1,
        ),
        attn.qK,
      );
      const scores = tf.sum(tf.mul(attn.v, tf.tanh(tf.add(features, query))), 1);
      nextRead = tf.matMul(tf.softmax(scores).reshape([1, -1]), window) as tf.Tensor2D;
      last = tf.add(tf.matMul(tf.concat([last, nextRead], 1), attn.oK), attn.oB) as tf.Tensor2D;
      nextWindow = tf.concat([window.slice([1, 0], [-1, -1]), last], 0) as tf.Tensor2D;
    }
    const logits = tf.add(tf.matMul(last, fcW), fcB);
    return { nc, nh, nextRead, nextWindow, logits };
  });
  await out.logits.data();
  tf.dispose([...c, ...h, read, window, out.logits]);
  [c, h, read, window] = [out.nc, out.nh, out.nextRead, out.nextWindow];
  t++;
}
const PRIMER_EVENT = (i: number): number => (i * 37) % 512;

const timing = await timePerStep(
  async () => {
    for (let i = 0; i < 5; i++) await step();
  },
  5,
  2000,
);
emit({ backend, ...timing });
