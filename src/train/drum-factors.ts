import * as tf from '@tensorflow/tfjs';

/**
 * Trainable per-drum parts of the event embeddings and output columns (names outside magenta's
 * scope, so they never reach an exported checkpoint).
 */
export const DRUM_INPUT_FACTORS = 'antiphon/drum_input_rows';
export const DRUM_OUTPUT_FACTORS = 'antiphon/drum_output_columns';

/** Drum classes behind `eventCount` events: an event is the set of classes hit, one bit each. */
export function drumCountOf(eventCount: number): number {
  const drums = Math.log2(eventCount);
  if (!Number.isInteger(drums))
    throw new Error(`event count ${eventCount} is not a power of two: events are not drum sets`);
  return drums;
}

/**
 * [events, drums] 0/1: bit i of an event id is drum class i (Magenta's MultiDrumOneHotEncoding),
 * so bits · D gives every event the sum of its drums' rows.
 */
export function eventDrumBits(eventCount: number): tf.Tensor2D {
  const drums = drumCountOf(eventCount);
  const bits = new Float32Array(eventCount * drums);
  for (let event = 0; event < eventCount; event++) {
    for (let drum = 0; drum < drums; drum++) bits[event * drums + drum] = (event >> drum) & 1;
  }
  return tf.tensor2d(bits, [eventCount, drums]);
}
