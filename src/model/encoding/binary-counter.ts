/**
 * The metric-position aux input of Magenta's drum models: for the input at step t it describes
 * step t + 1 (the step being predicted), least significant bit first, +1 for a set bit and -1
 * for a clear one. Position 0 must be a bar line for the bits to mean 16th, 8th, quarter, ...
 */
export function writeBinaryCounter(step: number, numBits: number, out: Float32Array, offset: number): void {
  const position = step + 1;
  for (let i = 0; i < numBits; i++) {
    out[offset + i] = Math.floor(position / 2 ** i) % 2 === 1 ? 1 : -1;
  }
}

export function binaryCounter(step: number, numBits: number): Float32Array {
  const out = new Float32Array(numBits);
  writeBinaryCounter(step, numBits, out, 0);
  return out;
}
