import type { Architecture } from '../checkpoint/architecture.js';
import { ATTENTION_PREFIX, variableNames } from '../checkpoint/architecture.js';
import type { Checkpoint } from '../checkpoint/reader.js';
import type { Kernels, PackedMatrix } from './kernels.js';
import type { NetworkState } from './network-state.js';
import { createState } from './network-state.js';

/** What goes into one step: the event, and the aux and control vectors when the model has them. */
export interface StepInput {
  readonly event: number;
  readonly aux?: ArrayLike<number>;
  readonly controls?: ArrayLike<number>;
}

export interface NetworkOptions {
  /**
   * Add `attention/bias` to the attention query as TensorFlow's AttentionCellWrapper does.
   * Off by default: magenta-js (the format's reference) never adds it.
   */
  readonly attentionQueryBias?: boolean;
}

interface Layer {
  readonly units: number;
  readonly kernel: PackedMatrix;
  readonly bias: Float32Array;
  /** [input, h] as one vector, the kernel's last segment input. */
  readonly xcat: Float32Array;
  readonly gates: Float32Array;
  readonly c: Float32Array;
  readonly h: Float32Array;
}

interface AttentionParts {
  readonly length: number;
  readonly size: number;
  readonly inputKernel: PackedMatrix;
  readonly inputBias: Float32Array;
  readonly w: PackedMatrix;
  readonly v: Float32Array;
  readonly queryKernel: PackedMatrix;
  readonly queryBias: Float32Array;
  readonly outputKernel: PackedMatrix;
  readonly outputBias: Float32Array;
  readonly query: Float32Array;
  readonly queryOut: Float32Array;
  readonly features: Float32Array;
  readonly window: Float32Array;
  readonly read: Float32Array;
  readonly scores: Float32Array;
  /** [aux, attention] or [h_last, d]: segment inputs. */
  readonly auxAttn: Float32Array;
  readonly projected: Float32Array;
  readonly lastAndRead: Float32Array;
  readonly output: Float32Array;
}

/**
 * The MusicRNN step magenta-js computes (stacked BasicLSTMCell, optional attention wrapper,
 * fully connected output), over pluggable kernels. One instance holds the packed weights and
 * scratch buffers; all per-sequence memory lives in `NetworkState`.
 */
export class LstmNetwork {
  readonly layers: readonly Layer[];
  readonly attention: AttentionParts | undefined;
  readonly fc: PackedMatrix;
  readonly fcBias: Float32Array;
  readonly totalUnits: number;
  private readonly fcInput: Float32Array;
  private readonly controls: Float32Array;

  constructor(
    readonly arch: Architecture,
    checkpoint: Checkpoint,
    readonly kernels: Kernels,
    private readonly options: NetworkOptions = {},
  ) {
    const get = (name: string): Float32Array => {
      const t = checkpoint.tensors.get(name);
      if (t === undefined) throw new Error(`internal: ${name} vanished after validation`);
      return t.values;
    };
    const k = kernels;
    const { controlDepth: cd, eventDepth: ed, auxDepth: ad, inputSize } = arch;
    const prefix = arch.attention === undefined ? 'rnn/' : ATTENTION_PREFIX;
    const eventSegments = (rows: number): number[] => [0, cd, cd + ed, rows];

    this.layers = arch.layerUnits.map((units, l) => {
      const input = l === 0 ? inputSize : (arch.layerUnits[l - 1] ?? 0);
      const rows = input + units;
      const sparseInput = l === 0 && arch.attention === undefined;
      const kernel = sparseInput
        ? k.pack(get(variableNames.cellKernel(prefix, l)), rows, 4 * units, eventSegments(rows), [1])
        : k.pack(get(variableNames.cellKernel(prefix, l)), rows, 4 * units);
      return {
        units,
        kernel,
        bias: get(variableNames.cellBias(prefix, l)),
        xcat: k.alloc(sparseInput ? ad + units : rows),
        gates: k.alloc(4 * units),
        c: k.alloc(units),
        h: k.alloc(units),
      };
    });
    this.totalUnits = arch.layerUnits.reduce((a, b) => a + b, 0);
    const last = arch.layerUnits[arch.layerUnits.length - 1] ?? 0;

    if (arch.attention !== undefined) {
      const { length, size } = arch.attention;
      const queryRows = 2 * this.totalUnits;
      this.attention = {
        length,
        size,
        inputKernel: k.pack(get(variableNames.attnInputKernel), inputSize + size, inputSize, eventSegments(inputSize + size), [1]),
        inputBias: get(variableNames.attnInputBias),
        w: k.pack(get(variableNames.attnW), size, size),
        v: k.alloc(size).fill(0),
        queryKernel: k.pack(get(variableNames.attnQueryKernel), queryRows, size),
        queryBias: get(variableNames.attnQueryBias),
        outputKernel: k.pack(get(variableNames.attnOutputKernel), last + size, size),
        outputBias: get(variableNames.attnOutputBias),
        query: k.alloc(queryRows),
        queryOut: k.alloc(size),
        features: k.alloc(length * size),
        window: k.alloc(length * size),
        read: k.alloc(size),
        scores: k.alloc(length),
        auxAttn: k.alloc(ad + size),
        projected: k.alloc(inputSize),
        lastAndRead: k.alloc(last + size),
        output: k.alloc(size),
      };
      this.attention.v.set(get(variableNames.attnV));
    }
    const fcRows = arch.attention?.size ?? last;
    this.fc = k.pack(get(variableNames.fcWeights), fcRows, ed);
    this.fcBias = get(variableNames.fcBiases);
    this.fcInput = k.alloc(fcRows);
    this.controls = k.alloc(cd);
  }

  newState(): NetworkState {
    return createState(this.totalUnits, this.attention?.length ?? 0, this.attention?.size ?? 0);
  }

  /** Bytes of packed weights held in memory. */
  get weightBytes(): number {
    const a = this.attention;
    const mats = [...this.layers.map((l) => l.kernel), this.fc, ...(a ? [a.inputKernel, a.w, a.queryKernel, a.outputKernel] : [])];
    return mats.reduce((sum, m) => sum + m.bytes, 0);
  }

  /** Adds the controls, event one-hot and aux rows of a [controls, events, aux, ...] matrix. */
  private addSparseInput(m: PackedMatrix, input: StepInput, restInput: Float32Array, y: Float32Array): void {
    const { controlDepth: cd, auxDepth: ad } = this.arch;
    if (cd > 0) {
      for (let i = 0; i < cd; i++) this.controls[i] = input.controls?.[i] ?? 0;
      this.kernels.matvec(m, 0, this.controls, y);
    }
    this.kernels.addRow(m, cd + input.event, 1, y);
    for (let i = 0; i < ad; i++) restInput[i] = input.aux?.[i] ?? 0;
    this.kernels.matvec(m, 2, restInput, y);
  }

  /** Feeds one event; writes the logits for the next event. */
  step(state: NetworkState, input: StepInput, logits: Float32Array): void {
    const k = this.kernels;
    const a = this.attention;
    const { auxDepth: ad } = this.arch;
    let offset = 0;
    for (const layer of this.layers) {
      layer.c.set(state.c.subarray(offset, offset + layer.units));
      layer.h.set(state.h.subarray(offset, offset + layer.units));
      offset += layer.units;
    }
    let below: Float32Array | undefined;
    if (a !== undefined) {
      a.auxAttn.set(state.attention, ad);
      a.projected.set(a.inputBias);
      this.addSparseInput(a.inputKernel, input, a.auxAttn, a.projected);
      below = a.projected;
    }
    this.layers.forEach((layer, l) => {
      layer.gates.set(layer.bias);
      if (l === 0 && a === undefined) {
        layer.xcat.set(layer.h, ad);
        this.addSparseInput(layer.kernel, input, layer.xcat, layer.gates);
      } else {
        const inputWidth = layer.xcat.length - layer.units;
        if (below !== undefined) layer.xcat.set(below.subarray(0, inputWidth), 0);
        layer.xcat.set(layer.h, inputWidth);
        k.matvec(layer.kernel, 0, layer.xcat, layer.gates);
      }
      k.lstmGates(layer.gates, layer.c, layer.h);
      below = layer.h;
    });
    offset = 0;
    for (const layer of this.layers) {
      state.c.set(layer.c, offset);
      state.h.set(layer.h, offset);
      offset += layer.units;
    }
    const lastLayer = this.layers[this.layers.length - 1];
    if (a === undefined || lastLayer === undefined) {
      this.fcInput.set(lastLayer?.h ?? []);
    } else {
      this.attend(state, lastLayer.h);
      this.fcInput.set(a.output);
    }
    logits.set(this.fcBias);
    k.matvec(this.fc, 0, this.fcInput, logits);
    state.steps++;
  }

  private attend(state: NetworkState, lastH: Float32Array): void {
    const a = this.attention;
    if (a === undefined) return;
    const k = this.kernels;
    const { length, size } = a;
    let q = 0;
    for (const layer of this.layers) {
      a.query.set(layer.c, q);
      a.query.set(layer.h, q + layer.units);
      q += 2 * layer.units;
    }
    // magenta-js leaves attention/bias out of the query (TensorFlow adds it); match it unless
    // the model was trained with the TensorFlow form.
    if (this.options.attentionQueryBias) a.queryOut.set(a.queryBias);
    else a.queryOut.fill(0);
    k.matvec(a.queryKernel, 0, a.query, a.queryOut);
    a.features.set(state.windowFeatures);
    k.attentionScores(a.features, a.queryOut, a.v, length, a.scores);
    let max = -Infinity;
    for (let s = 0; s < length; s++) max = Math.max(max, a.scores[s] ?? 0);
    let sum = 0;
    for (let s = 0; s < length; s++) sum += a.scores[s] = Math.exp((a.scores[s] ?? 0) - max);
    for (let s = 0; s < length; s++) a.scores[s] = (a.scores[s] ?? 0) / sum;
    a.window.set(state.window);
    k.weightedSum(a.window, a.scores, length, a.read);
    state.attention.set(a.read);
    a.lastAndRead.set(lastH, 0);
    a.lastAndRead.set(a.read, lastH.length);
    a.output.set(a.outputBias);
    k.matvec(a.outputKernel, 0, a.lastAndRead, a.output);
    // The oldest slot takes the new output; its attn_w features are computed once, here.
    const slot = state.ringStart;
    state.window.set(a.output, slot * size);
    const features = a.queryOut;
    features.fill(0);
    k.matvec(a.w, 0, a.output, features);
    state.windowFeatures.set(features, slot * size);
    state.ringStart = (slot + 1) % length;
  }
}
