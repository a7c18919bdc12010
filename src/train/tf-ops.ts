import * as tf from '@tensorflow/tfjs';

/**
 * Row gather whose gradient is a scatter-add: the wasm backend has no UnsortedSegmentSum,
 * which tfjs's own gather gradient needs.
 */
export const gatherRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, indices, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([indices]);
  const rows = table.shape[0] ?? 0;
  const width = table.shape[1] ?? 0;
  return {
    value: tf.gather(table, indices),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const idx = saved[0] as tf.Tensor;
      const grad = tf.scatterND(tf.reshape(idx, [-1, 1]), dy as tf.Tensor, [rows, width]);
      return [grad, tf.zerosLike(idx)];
    },
  };
}) as (table: tf.Tensor2D, indices: tf.Tensor1D) => tf.Tensor2D;

/**
 * matMul whose gradient multiplies by explicitly transposed copies: the wasm backend runs
 * transposed matMuls ~20x slower than a transpose followed by a plain one (measured).
 */
export const matMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(sb)), tf.matMul(tf.transpose(sa), d)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
