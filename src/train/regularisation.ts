import * as tf from '@tensorflow/tfjs';

/**
 * Training-only regularisers (AWD-LSTM, Merity et al. 2017). None changes a variable's shape or
 * the maths at inference: they only perturb what one training batch sees, so the exported
 * checkpoint is still exactly magenta-js's BasicLSTMCell.
 */
export interface Regularisation {
  /** Fraction of each layer's outputs dropped (Magenta's DropoutWrapper output_keep_prob). */
  readonly dropout: number;
  /**
   * Dropout draws one mask per layer and batch, shared by every step (variational or "locked"
   * dropout, Gal & Ghahramani 2016, as AWD-LSTM uses between layers), not a fresh one per step.
   */
  readonly lockedDropout?: boolean;
  /** DropConnect on each layer's recurrent kernel rows: one mask per batch, shared by all its steps. */
  readonly weightDrop?: number;
  /** Fraction of input events dropped: the whole event embedding of a (step, lane) is zeroed. */
  readonly inputDrop?: number;
  /**
   * L2 weight on the free per-event parts of a factored network (NetworkShape.factoredEvents),
   * added to the training loss; 0 or absent: off.
   */
  readonly eventDecay?: number;
  /**
   * Activation regularisation (AR): this weight times the mean square of the top layer's
   * (dropped) outputs is added to the loss, keeping the softmax inputs small. 0 or absent: off.
   */
  readonly activationReg?: number;
  /**
   * Temporal activation regularisation (TAR): this weight times the mean square of the change in
   * the top layer's outputs (before dropout) from step to step, favouring a slowly moving state.
   */
  readonly temporalReg?: number;
  /**
   * Seeds the weight-drop and input-drop masks (each mask draws from seed plus its own offset),
   * so a batch is reproducible; unseeded when absent.
   */
  readonly seed?: number;
}

export const NO_REGULARISATION: Regularisation = { dropout: 0 };

/** Offsets keep the masks of one batch independent: one per layer, then one per step. */
const INPUT_SEED_OFFSET = 1000;
const LOCKED_SEED_OFFSET = 500;

/**
 * A layer's outputs (one [batch, units] per step) with dropout applied: a fresh mask per step,
 * or with lockedDropout one mask for the whole batch, so a unit a lane loses stays lost.
 */
export function dropLayerOutputs(outputs: tf.Tensor2D[], reg: Regularisation, layer: number): tf.Tensor2D[] {
  const rate = reg.dropout;
  if (rate <= 0) return outputs;
  if (!reg.lockedDropout) return outputs.map((h) => tf.dropout(h, rate) as tf.Tensor2D);
  const first = outputs[0];
  if (!first) return outputs;
  const mask = tf.dropout(
    tf.onesLike(first),
    rate,
    undefined,
    reg.seed === undefined ? undefined : reg.seed + LOCKED_SEED_OFFSET + layer,
  );
  return outputs.map((h) => tf.mul(h, mask) as tf.Tensor2D);
}

/**
 * The recurrent rows of a layer's kernel as this batch sees them: each weight kept with
 * probability 1 - weightDrop and scaled by 1 / (1 - weightDrop). Called once per batch and
 * layer, before the step loop, so every step shares the mask (DropConnect as AWD-LSTM does it).
 */
export function dropRecurrentWeights(recurrent: tf.Tensor2D, reg: Regularisation, layer: number): tf.Tensor2D {
  const rate = reg.weightDrop ?? 0;
  if (rate <= 0) return recurrent;
  return tf.dropout(recurrent, rate, undefined, reg.seed === undefined ? undefined : reg.seed + layer) as tf.Tensor2D;
}

/**
 * Event embeddings (gathered kernel rows, [batch, width]) of step `t` with whole events dropped:
 * one keep/drop draw per lane, scaled by 1 / (1 - inputDrop).
 */
export function dropInputEvents(rows: tf.Tensor2D, reg: Regularisation, t: number): tf.Tensor2D {
  const rate = reg.inputDrop ?? 0;
  if (rate <= 0) return rows;
  const lanes = rows.shape[0];
  return tf.dropout(
    rows,
    rate,
    [lanes, 1],
    reg.seed === undefined ? undefined : reg.seed + INPUT_SEED_OFFSET + t,
  ) as tf.Tensor2D;
}

/**
 * The AR and TAR penalties (Merity et al. 2017, section 4.6) of one batch: `dropped` holds the
 * top layer's outputs after dropout, every step's rows in one tensor (as the softmax head takes
 * them), and `raw` its outputs per step before dropout. Padded steps count too (AWD-LSTM
 * has none to leave out).
 */
export function activationPenalty(dropped: tf.Tensor2D, raw: readonly tf.Tensor2D[], reg: Regularisation): tf.Scalar {
  const alpha = reg.activationReg ?? 0;
  const beta = reg.temporalReg ?? 0;
  let penalty = tf.scalar(0);
  if (alpha > 0 && dropped.size > 0) penalty = tf.add(penalty, tf.mul(alpha, tf.mean(tf.square(dropped))));
  if (beta > 0 && raw.length > 1) {
    const all = tf.stack(raw as tf.Tensor2D[]);
    const steps = raw.length - 1;
    const change = tf.sub(tf.slice(all, [1, 0, 0], [steps, -1, -1]), tf.slice(all, [0, 0, 0], [steps, -1, -1]));
    penalty = tf.add(penalty, tf.mul(beta, tf.mean(tf.square(change))));
  }
  return penalty;
}

/** Checks a drop fraction from the command line or a stored run: [0, 1). */
export function validDropRate(rate: number): boolean {
  return Number.isFinite(rate) && rate >= 0 && rate < 1;
}
