import * as tf from '@tensorflow/tfjs';

/** Which tfjs backend training runs on, fastest first. */
export type TrainBackend = 'tensorflow' | 'wasm' | 'cpu';

/**
 * Picks the fastest tfjs backend this machine has: tfjs-node (native TensorFlow) when it is
 * installed, else WebAssembly (XNNPACK, SIMD), else plain JS. tfjs-node stays optional because
 * its install downloads libtensorflow, which many machines cannot reach.
 */
export async function selectTrainBackend(preferred?: TrainBackend): Promise<TrainBackend> {
  const order: TrainBackend[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (await tryBackend(name)) return name;
  }
  throw new Error(`no tfjs backend could start (tried ${order.join(', ')})`);
}

async function tryBackend(name: TrainBackend): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // A computed specifier keeps TypeScript from requiring the optional package's types.
      const nodePackage = '@tensorflow/tfjs-node';
      await import(nodePackage);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}
