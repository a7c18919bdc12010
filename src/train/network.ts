import * as tf from '@tensorflow/tfjs';
import { binaryCounter } from '../model/encoding/binary-counter.js';
import { ATTENTION_PREFIX, variableNames } from '../model/checkpoint/architecture.js';
import { attentionStepOutputs, attentionVariables } from './attention-steps.js';
import { gatherRows, matMul } from './tf-ops.js';
import {
  activationPenalty,
  dropInputEvents,
  dropLayerOutputs,
  dropRecurrentWeights,
  NO_REGULARISATION,
  type Regularisation,
} from './regularisation.js';
import { DRUM_INPUT_FACTORS, DRUM_OUTPUT_FACTORS, drumCountOf, eventDrumBits } from './drum-factors.js';

/** Shape of a drum MusicRNN: BasicLSTMCell stack, dense softmax head, binary-counter input. */
export interface NetworkShape {
  /** Units per LSTM layer, bottom first. */
  readonly layers: readonly number[];
  /** One-hot event classes (512 for drum_kit). */
  readonly eventCount: number;
  /** Binary counter bits appended to the one-hot (6 for drum_kit). */
  readonly counterBits: number;
  /** Attention window (magenta-js's pre-2017 wrapper around the whole stack), if any. */
  readonly attentionLength?: number;
  /**
   * Each event's input row and output column is the sum of its drums' parts plus a free part of
   * its own (kept small by Regularisation.eventDecay), so a rare drum combination shares what the
   * common ones learnt instead of an embedding trained on a handful of steps. Training only: the
   * checkpoint holds the summed rows (exportedWeights), plain magenta-js.
   */
  readonly factoredEvents?: boolean;
}

/**
 * Recurrent state carried from one crop to the next in streaming training (truncated
 * back-propagation through whole files): h of every layer, then c of every layer, then, with
 * attention, the last read and the window's outputs and features. Each tensor is [batch, units].
 */
export type RecurrentState = readonly tf.Tensor2D[];

/** magenta-js variable names, so the weights load in @magenta/music and in our engine. */
export const lstmKernelName = (layer: number, attention = false): string =>
  variableNames.cellKernel(attention ? ATTENTION_PREFIX : 'rnn/', layer);
export const lstmBiasName = (layer: number, attention = false): string =>
  variableNames.cellBias(attention ? ATTENTION_PREFIX : 'rnn/', layer);
export const DENSE_WEIGHTS = 'fully_connected/weights';
export const DENSE_BIASES = 'fully_connected/biases';

let networkCount = 0;

/** Magenta's BasicLSTMCell adds 1.0 to the forget gate's pre-activation. */
const FORGET_BIAS = 1.0;

/**
 * The trainable MusicRNN. Variables carry magenta-js names and shapes; the maths is exactly
 * BasicLSTMCell (gates i, j, f, o; forget bias 1.0), so a saved checkpoint runs unchanged in
 * @magenta/music. Training evaluates layer by layer (all steps of one layer, then the next) so
 * the input projections become one large matMul instead of T small ones.
 */
export class DrumNetwork {
  readonly shape: NetworkShape;
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** [events, drums] event-to-drum bits when factoredEvents. */
  private readonly drumBits: tf.Tensor2D | undefined;

  constructor(shape: NetworkShape, initial?: ReadonlyMap<string, tf.Tensor>, seed = 1) {
    this.shape = shape;
    const vars = new Map<string, tf.Variable>();
    networkCount++;
    let draw = seed * 1000;
    // Seeded initialisation: a run is reproducible, and a resumed run matches an uninterrupted one.
    const glorot = (fanIn: number, fanOut: number): tf.Tensor => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', draw++);
    };
    const add = (name: string, dims: number[], init: () => tf.Tensor): void => {
      const given = initial?.get(name);
      if (given && !sameShape(given.shape, dims)) {
        throw new Error(`weight ${name} has shape [${given.shape.join(', ')}], expected [${dims.join(', ')}]`);
      }
      // tfjs registers variable names globally: a prefix lets two networks (current, best) coexist.
      vars.set(name, tf.variable(given ? given.clone() : init(), true, `net${networkCount}/${name}`));
    };
    const attention = shape.attentionLength !== undefined;
    const factored = shape.factoredEvents === true;
    if (factored && attention) throw new Error('factored events are not supported with attention');
    // Factored from scratch: the free parts start at zero and the drum parts carry the signal;
    // fine-tuning: the loaded rows are the free parts and the drum parts start at zero.
    const freeInit = (full: tf.Tensor, eventAxis: 0 | 1): tf.Tensor => {
      if (!factored) return full;
      const mask =
        eventAxis === 0
          ? tf.concat([tf.zeros([shape.eventCount, 1]), tf.ones([(full.shape[0] ?? 0) - shape.eventCount, 1])])
          : tf.zeros([1, shape.eventCount]);
      return tf.mul(full, mask);
    };
    const drums = factored ? drumCountOf(shape.eventCount) : 0;
    const fromScratch = initial === undefined;
    let below = shape.eventCount + shape.counterBits;
    shape.layers.forEach((units, layer) => {
      add(lstmKernelName(layer, attention), [below + units, 4 * units], () => {
        const full = glorot(below + units, 4 * units);
        return layer === 0 ? freeInit(full, 0) : full;
      });
      if (factored && layer === 0) {
        // Near the Glorot scale of the kernel these rows are added to (fan-in [x, h], fan-out 4u).
        const limit = Math.sqrt(6 / (below + 2 * units + 2 * units));
        add(DRUM_INPUT_FACTORS, [drums, 4 * units], () =>
          fromScratch
            ? tf.randomUniform([drums, 4 * units], -limit, limit, 'float32', draw++)
            : tf.zeros([drums, 4 * units]),
        );
      }
      add(lstmBiasName(layer, attention), [4 * units], () => tf.zeros([4 * units]));
      below = units;
    });
    if (attention) {
      for (const v of attentionVariables(shape))
        add(v.name, v.shape, () =>
          v.shape.length === 1 ? tf.zeros(v.shape) : glorot(v.fanIn, v.fanOut).reshape(v.shape),
        );
    }
    add(DENSE_WEIGHTS, [below, shape.eventCount], () => freeInit(glorot(below, shape.eventCount), 1));
    if (factored)
      add(DRUM_OUTPUT_FACTORS, [below, drums], () => (fromScratch ? glorot(below, drums) : tf.zeros([below, drums])));
    add(DENSE_BIASES, [shape.eventCount], () => tf.zeros([shape.eventCount]));
    this.variables = vars;
    this.drumBits = factored ? eventDrumBits(shape.eventCount) : undefined;
  }

  /** The training loss: `lossTerms`' NLL plus its penalties. */
  loss(...args: Parameters<DrumNetwork['lossTerms']>): tf.Scalar {
    return tf.tidy(() => {
      const { nll, penalty } = this.lossTerms(...args);
      return tf.add(nll, penalty) as tf.Scalar;
    });
  }

  /**
   * Mean next-event cross-entropy (nats per step) over a batch, masked, and apart from it what
   * the regularisers add to the training loss.
   * Inputs come time-major as one small tensor per step because slicing a big tensor per
   * step costs ~3 ms a slice on the wasm backend (measured), more than the LSTM maths.
   * @param inputs  event ids, one int32 [batch] tensor per step (windows start on a bar line)
   * @param targets next event ids, one int32 [batch] tensor per step
   * @param masks   1 for real steps, 0 for padding, one float [batch] tensor per step
   * @param reg     training-only regularisers (none by default: evaluation)
   */
  lossTerms(
    inputs: readonly tf.Tensor1D[],
    targets: readonly tf.Tensor1D[],
    masks: readonly tf.Tensor1D[],
    reg: Regularisation = NO_REGULARISATION,
    carry?: { readonly initial: RecurrentState; readonly keepFinal: (state: RecurrentState) => void },
  ): { nll: tf.Scalar; penalty: tf.Scalar } {
    return tf.tidy(() => {
      const { outputs, final, beforeDropout } = this.run(inputs, reg, carry?.initial);
      if (carry) carry.keepFinal(final.map((t) => tf.keep(t)));
      // The softmax head runs once over all steps: per-step heads cost more ops than the LSTM.
      const top = tf.concat(outputs, 0);
      const logits = tf.add(matMul(top, this.outputMatrix()), this.variable(DENSE_BIASES));
      const target = tf.oneHot(tf.concat(targets as tf.Tensor1D[], 0), this.shape.eventCount);
      const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
      const nll = tf.neg(tf.sum(tf.mul(target, logProbs), 1));
      const mask = tf.concat(masks as tf.Tensor1D[], 0);
      const meanNll = tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
      return {
        nll: meanNll,
        penalty: tf.add(
          this.freeEventPenalty(reg.eventDecay ?? 0),
          activationPenalty(top, beforeDropout ?? [], reg),
        ) as tf.Scalar,
      };
    });
  }

  /**
   * Top-layer outputs [batch, units] for every step, and the state after the last step, from
   * `initial` (zero state when absent). `reg` (training only): dropout drops each layer's
   * outputs as Magenta's DropoutWrapper(output_keep_prob) does, and the carried state is taken
   * before it; weight-drop and input-drop are described in Regularisation.
   */
  run(
    inputs: readonly tf.Tensor1D[],
    reg: Regularisation = NO_REGULARISATION,
    initial?: RecurrentState,
  ): { outputs: tf.Tensor2D[]; final: tf.Tensor2D[]; beforeDropout?: tf.Tensor2D[] } {
    const batch = inputs[0]?.shape[0] ?? 0;
    const start = initial ?? this.zeroState(batch);
    if (this.shape.attentionLength !== undefined) return attentionStepOutputs(this, inputs, reg, start);
    const { eventCount, counterBits, layers } = this.shape;
    let below = eventCount + counterBits;
    let layerInputs: tf.Tensor2D[] = [];
    let beforeDropout: tf.Tensor2D[] = [];
    const finalH: tf.Tensor2D[] = [];
    const finalC: tf.Tensor2D[] = [];
    layers.forEach((units, layer) => {
      const kernel = this.matrix(lstmKernelName(layer));
      const bias = this.variable(lstmBiasName(layer));
      const pre =
        layer === 0
          ? this.firstLayerInputs(inputs, reg).map((x) => tf.add(x, bias) as tf.Tensor2D)
          : projectEach(layerInputs, tf.slice(kernel, [0, 0], [below, 4 * units]), bias);
      const recurrent = dropRecurrentWeights(tf.slice(kernel, [below, 0], [units, 4 * units]), reg, layer);
      const run = runLstm(pre, recurrent, start[layer] as tf.Tensor2D, start[layers.length + layer] as tf.Tensor2D);
      finalH.push(run.h);
      finalC.push(run.c);
      beforeDropout = run.outputs;
      layerInputs = dropLayerOutputs(run.outputs, reg, layer);
      below = units;
    });
    return { outputs: layerInputs, final: [...finalH, ...finalC], beforeDropout };
  }

  /** The state a fresh sequence starts from (see RecurrentState for the layout). */
  zeroState(batch: number): tf.Tensor2D[] {
    const { layers, attentionLength } = this.shape;
    const zeros = (units: number): tf.Tensor2D => tf.zeros([batch, units]);
    const state = [...layers.map(zeros), ...layers.map(zeros)];
    if (attentionLength === undefined) return state;
    const size = layers[layers.length - 1] ?? 0;
    return [...state, zeros(size), ...Array.from({ length: 2 * attentionLength }, () => zeros(size))];
  }

  /** One-hot(event) · K + counter · K without building the one-hot: a row gather per step. */
  private firstLayerInputs(inputs: readonly tf.Tensor1D[], reg: Regularisation): tf.Tensor2D[] {
    const { eventCount, counterBits } = this.shape;
    const units = this.shape.layers[0] ?? 0;
    const kernel = this.matrix(lstmKernelName(0));
    const eventRows = this.eventTable();
    const counterRows = tf.slice(kernel, [eventCount, 0], [counterBits, 4 * units]);
    return inputs.map((ids, t) =>
      tf.add(
        dropInputEvents(gatherRows(eventRows, ids), reg, t),
        matMul(binaryCounterRow(t, counterBits), counterRows),
      ),
    );
  }

  /** The first layer's input rows of every event [events, 4u]: free part plus, if factored, its drums' rows. */
  private eventTable(): tf.Tensor2D {
    const free = this.freeEventRows();
    return this.drumBits ? (tf.add(free, matMul(this.drumBits, this.matrix(DRUM_INPUT_FACTORS))) as tf.Tensor2D) : free;
  }

  /** The first layer's own kernel rows of every event [events, 4u] (all of its rows when not factored). */
  private freeEventRows(): tf.Tensor2D {
    const units = this.shape.layers[0] ?? 0;
    return tf.slice(this.matrix(lstmKernelName(0)), [0, 0], [this.shape.eventCount, 4 * units]);
  }

  /** The softmax weights [top units, events]: free part plus, if factored, its drums' columns. */
  private outputMatrix(): tf.Tensor2D {
    const free = this.matrix(DENSE_WEIGHTS);
    return this.drumBits
      ? (tf.add(free, matMul(this.matrix(DRUM_OUTPUT_FACTORS), tf.transpose(this.drumBits))) as tf.Tensor2D)
      : free;
  }

  /** decay x the squared free parts: without data behind it an event's own part decays to zero. */
  private freeEventPenalty(decay: number): tf.Scalar {
    if (decay <= 0 || !this.drumBits) return tf.scalar(0);
    return tf.mul(
      decay,
      tf.add(tf.sum(tf.square(this.freeEventRows())), tf.sum(tf.square(this.matrix(DENSE_WEIGHTS)))),
    ) as tf.Scalar;
  }

  /**
   * The weights as the checkpoint stores them, by magenta-js name: drum parts summed into the
   * event rows and output columns, so the engine and @magenta/music run exactly this network.
   */
  exportedWeights(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.variables)
      if (name !== DRUM_INPUT_FACTORS && name !== DRUM_OUTPUT_FACTORS) out.set(name, v);
    if (!this.drumBits) return out;
    const [kernel, dense] = tf.tidy(() => {
      const full = this.matrix(lstmKernelName(0));
      const rest = tf.slice(
        full,
        [this.shape.eventCount, 0],
        [(full.shape[0] ?? 0) - this.shape.eventCount, full.shape[1] ?? 0],
      );
      return [tf.concat([this.eventTable(), rest], 0), this.outputMatrix()];
    });
    out.set(lstmKernelName(0), kernel);
    out.set(DENSE_WEIGHTS, dense);
    return out;
  }

  /** Disposes what exportedWeights() computed, leaving the variables it passed through. */
  releaseExportedWeights(weights: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, t] of weights) if (t !== this.variables.get(name)) t.dispose();
  }

  /**
   * Starts the softmax bias at the log event frequencies, so training begins at the unigram's
   * loss instead of log(512): on these CPUs that saves hundreds of updates of a plateau.
   */
  initOutputBias(eventCounts: Float64Array): void {
    const total = eventCounts.reduce((a, b) => a + b, 0);
    const logFreq = Float32Array.from(eventCounts, (c) => Math.log(c / total));
    this.variable(DENSE_BIASES).assign(tf.tensor1d(logFreq));
  }

  matrix(name: string): tf.Tensor2D {
    return this.variable(name) as unknown as tf.Tensor2D;
  }

  variable(name: string): tf.Variable {
    const found = this.variables.get(name);
    if (!found) throw new Error(`network has no variable ${name}`);
    return found;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.drumBits?.dispose();
  }
}

/** BasicLSTMCell over all steps of one layer: pre[t] [batch, 4u] already holds x·K + b. */
function runLstm(
  pre: readonly tf.Tensor2D[],
  recurrent: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): { outputs: tf.Tensor2D[]; h: tf.Tensor2D; c: tf.Tensor2D } {
  let h = h0;
  let c = c0;
  const outputs = pre.map((preStep) => {
    const gates = tf.add(preStep, matMul(h, recurrent));
    const [i, j, f, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    c = tf.add(tf.mul(tf.sigmoid(i), tf.tanh(j)), tf.mul(c, tf.sigmoid(tf.add(f, FORGET_BIAS))));
    h = tf.mul(tf.tanh(c), tf.sigmoid(o));
    return h;
  });
  return { outputs, h, c };
}

function projectEach(xs: readonly tf.Tensor2D[], kernel: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D[] {
  return xs.map((x) => tf.add(matMul(x, kernel), bias) as tf.Tensor2D);
}

function binaryCounterRow(t: number, bits: number): tf.Tensor2D {
  return tf.tensor2d(binaryCounter(t, bits), [1, bits]);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
