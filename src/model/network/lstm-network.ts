import type { Architecture } from '../checkpoint/architecture.js';
import { ATTENTION_PREFIX, variableNames } from '../checkpoint/architecture.js';
import type { Checkpoint } from '../checkpoint/reader.js';
import type { Kernels, PackedMatrix } from './kernels.js';
import type { NetworkState } from './network-state.js';
import { createState } from './network-state.js';
import { foldProjection } from './fold-projection.js';
import type { Slot, Weights } from './attention-step.js';
import { attentionStep } from './attention-step.js';

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
  /**
   * Fold the attention wrapper's input projection into layer 0's kernel at load time. Exact in
   * real arithmetic and ~40% fewer multiply-adds for that stage; rounding differs from
   * magenta-js's order, so the reference path leaves it off.
   */
  readonly foldAttentionInput?: boolean;
  /**
   * Pack the weights on first use (or `pack()`) instead of in the constructor, so a caller
   * can report the model loaded (its checkpoint read and checked) before the ~0.1 s of
   * packing: the box's worker packs right after, off the path to READY. The checkpoint's
   * tensors must stay until then.
   */
  readonly deferPacking?: boolean;
}

/** Sequences stepped together in one pass over the weights. */
export const BATCH_SLOTS = 8;

/**
 * The MusicRNN step magenta-js computes (stacked BasicLSTMCell, optional attention wrapper,
 * fully connected output), over pluggable kernels, for up to BATCH_SLOTS sequences per pass.
 * One instance holds packed weights and scratch; all per-sequence memory is in NetworkState.
 */
export class LstmNetwork {
  #packed: { readonly w: Weights; readonly slots: Slot[] } | undefined;
  /** Held only until packed. */
  #checkpoint: Checkpoint | undefined;
  private readonly folded: boolean;
  readonly totalUnits: number;

  constructor(
    readonly arch: Architecture,
    checkpoint: Checkpoint,
    readonly kernels: Kernels,
    private readonly options: NetworkOptions = {},
  ) {
    this.folded = arch.attention !== undefined && options.foldAttentionInput === true;
    this.totalUnits = arch.layerUnits.reduce((a, b) => a + b, 0);
    this.#checkpoint = checkpoint;
    if (options.deferPacking !== true) this.pack();
  }

  /** True once the weights are packed. */
  get packed(): boolean {
    return this.#packed !== undefined;
  }

  /** Packs the weights now, if not yet (a deferred network packs on first use otherwise). */
  pack(): void {
    if (this.#packed) return;
    const checkpoint = this.#checkpoint;
    if (!checkpoint) throw new Error('internal: network has neither packed weights nor a checkpoint');
    this.#packed = this.build(checkpoint);
    this.#checkpoint = undefined;
  }

  private get w(): Weights {
    this.pack();
    return (this.#packed as { w: Weights }).w;
  }

  private get slots(): Slot[] {
    this.pack();
    return (this.#packed as { slots: Slot[] }).slots;
  }

  private build(checkpoint: Checkpoint): { w: Weights; slots: Slot[] } {
    const get = (name: string): Float32Array => {
      const t = checkpoint.tensors.get(name);
      if (t === undefined) throw new Error(`internal: ${name} vanished after validation`);
      return t.values;
    };
    const { arch, kernels: k } = this;
    const { controlDepth: cd, eventDepth: ed, auxDepth: ad, inputSize, layerUnits } = arch;
    const prefix = arch.attention === undefined ? 'rnn/' : ATTENTION_PREFIX;
    // [controls | event one-hot | aux + the rest]: the one-hot segment is only read by row.
    const sparse = (name: string, rows: number, cols: number): PackedMatrix =>
      k.pack(get(name), rows, cols, [0, cd, cd + ed, rows], [1]);
    const at = arch.attention;
    const layers = layerUnits.map((units, l) => {
      const rows = (l === 0 ? inputSize : (layerUnits[l - 1] ?? 0)) + units;
      const name = variableNames.cellKernel(prefix, l);
      if (l === 0 && at !== undefined && this.folded) return { units, ...this.foldedLayer0(get, units) };
      const kernel = l === 0 && at === undefined ? sparse(name, rows, 4 * units) : k.pack(get(name), rows, 4 * units);
      return { units, kernel, bias: get(variableNames.cellBias(prefix, l)) };
    });
    const last = layerUnits[layerUnits.length - 1] ?? 0;
    const attention = at && {
      length: at.length,
      size: at.size,
      ...(this.folded ? {} : { input: sparse(variableNames.attnInputKernel, inputSize + at.size, inputSize) }),
      inputBias: get(variableNames.attnInputBias),
      w: k.pack(get(variableNames.attnW), at.size, at.size),
      v: k.alloc(at.size),
      query: k.pack(get(variableNames.attnQueryKernel), 2 * this.totalUnits, at.size),
      queryBias: get(variableNames.attnQueryBias),
      output: k.pack(get(variableNames.attnOutputKernel), last + at.size, at.size),
      outputBias: get(variableNames.attnOutputBias),
    };
    attention?.v.set(get(variableNames.attnV));
    const fcRows = at?.size ?? last;
    const w: Weights = {
      layers,
      ...(attention ? { attention } : {}),
      fc: k.pack(get(variableNames.fcWeights), fcRows, ed),
      fcBias: get(variableNames.fcBiases),
    };

    const size = at?.size ?? 0;
    const length = at?.length ?? 0;
    const slots = Array.from({ length: BATCH_SLOTS }, () => ({
      controls: k.alloc(cd),
      xcat: layers.map((l, i) => k.alloc(i === 0 && (!at || this.folded) ? ad + size + l.units : l.kernel.rows)),
      gates: layers.map((l) => k.alloc(4 * l.units)),
      c: layers.map((l) => k.alloc(l.units)),
      h: layers.map((l) => k.alloc(l.units)),
      auxAttn: k.alloc(ad + size),
      projected: k.alloc(at ? inputSize : 0),
      query: k.alloc(at ? 2 * this.totalUnits : 0),
      queryOut: k.alloc(size),
      features: k.alloc(length * size),
      scores: k.alloc(length),
      window: k.alloc(length * size),
      read: k.alloc(size),
      lastAndRead: k.alloc(at ? last + size : 0),
      output: k.alloc(size),
      newFeatures: k.alloc(size),
      logits: k.alloc(ed),
    }));
    return { w, slots };
  }

  /**
   * Layer 0 with the attention input projection folded in: [x, attn] · Wk · K0top + h0 · K0bot
   * + (b0 + bk · K0top), packed as [controls | events | aux, attn, h0] like a sparse layer 0.
   */
  private foldedLayer0(
    get: (name: string) => Float32Array,
    units: number,
  ): { kernel: PackedMatrix; bias: Float32Array } {
    const { inputSize, controlDepth: cd, eventDepth: ed } = this.arch;
    const size = this.arch.attention?.size ?? 0;
    const k0 = get(variableNames.cellKernel(ATTENTION_PREFIX, 0));
    const cols = 4 * units;
    const rows = inputSize + size + units;
    const fused = new Float32Array(rows * cols);
    fused.set(foldProjection(get(variableNames.attnInputKernel), inputSize + size, inputSize, k0, cols), 0);
    fused.set(k0.subarray(inputSize * cols), (inputSize + size) * cols);
    const bias = Float32Array.from(get(variableNames.cellBias(ATTENTION_PREFIX, 0)));
    const bk = get(variableNames.attnInputBias);
    for (let i = 0; i < inputSize; i++) {
      const w = bk[i] ?? 0;
      for (let j = 0; j < cols; j++) bias[j] = (bias[j] ?? 0) + w * (k0[i * cols + j] ?? 0);
    }
    return { kernel: this.kernels.pack(fused, rows, cols, [0, cd, cd + ed, rows], [1]), bias };
  }

  newState(): NetworkState {
    return createState(this.totalUnits, this.w.attention?.length ?? 0, this.w.attention?.size ?? 0);
  }

  /** Bytes of packed weights held in memory. */
  get weightBytes(): number {
    const a = this.w.attention;
    const mats = [
      ...this.w.layers.map((l) => l.kernel),
      this.w.fc,
      ...(a ? [a.w, a.query, a.output] : []),
      ...(a?.input ? [a.input] : []),
    ];
    return mats.reduce((sum, m) => sum + m.bytes, 0);
  }

  /** Feeds one event; writes the logits for the next event. */
  step(state: NetworkState, input: StepInput, logits: Float32Array): void {
    this.stepBatch([state], [input], [logits]);
  }

  /** Feeds one event to each of several sequences, one pass over the weights per slot group. */
  stepBatch(states: readonly NetworkState[], inputs: readonly StepInput[], logits: readonly Float32Array[]): void {
    for (let from = 0; from < states.length; from += BATCH_SLOTS) {
      const n = Math.min(BATCH_SLOTS, states.length - from);
      this.stepSlots(states.slice(from, from + n), inputs.slice(from, from + n), logits.slice(from, from + n));
    }
  }

  private stepSlots(
    states: readonly NetworkState[],
    inputs: readonly StepInput[],
    logits: readonly Float32Array[],
  ): void {
    const k = this.kernels;
    const { auxDepth: ad, controlDepth: cd } = this.arch;
    const a = this.w.attention;
    const slots = this.slots.slice(0, states.length);
    const each = (f: (slot: Slot, state: NetworkState, input: StepInput, b: number) => void): void =>
      slots.forEach((slot, b) => f(slot, states[b] as NetworkState, inputs[b] as StepInput, b));
    /** Controls, one-hot row and [aux, rest] of a sparse-input matrix into y. */
    const sparseInput = (m: PackedMatrix, rest: (s: Slot) => Float32Array, y: (s: Slot) => Float32Array): void => {
      each((slot, _state, input) => {
        for (let i = 0; i < cd; i++) slot.controls[i] = input.controls?.[i] ?? 0;
        for (let i = 0; i < ad; i++) rest(slot)[i] = input.aux?.[i] ?? 0;
        k.addRow(m, cd + input.event, 1, y(slot));
      });
      if (cd > 0)
        k.matvecBatch(
          m,
          0,
          slots.map((s) => s.controls),
          slots.map(y),
        );
      k.matvecBatch(m, 2, slots.map(rest), slots.map(y));
    };

    each((slot, state) => {
      let offset = 0;
      this.w.layers.forEach((layer, l) => {
        slot.c[l]?.set(state.c.subarray(offset, offset + layer.units));
        slot.h[l]?.set(state.h.subarray(offset, offset + layer.units));
        offset += layer.units;
      });
    });
    if (a?.input) {
      const input = a.input;
      each((slot, state) => {
        slot.auxAttn.set(state.attention, ad);
        slot.projected.set(a.inputBias);
      });
      sparseInput(
        input,
        (s) => s.auxAttn,
        (s) => s.projected,
      );
    }
    const sparseLayer0 = !a || this.folded;
    this.w.layers.forEach((layer, l) => {
      const xcat = (s: Slot): Float32Array => s.xcat[l] as Float32Array;
      const gates = (s: Slot): Float32Array => s.gates[l] as Float32Array;
      each((slot, state) => {
        gates(slot).set(layer.bias);
        const x = xcat(slot);
        if (l > 0) x.set(slot.h[l - 1] as Float32Array, 0);
        else if (!sparseLayer0) x.set(slot.projected, 0);
        else if (a) x.set(state.attention, ad); // folded: [aux, attn, h0]
        x.set(slot.h[l] as Float32Array, x.length - layer.units);
      });
      if (l === 0 && sparseLayer0) sparseInput(layer.kernel, xcat, gates);
      else k.matvecBatch(layer.kernel, 0, slots.map(xcat), slots.map(gates));
      each((slot) => k.lstmGates(gates(slot), slot.c[l] as Float32Array, slot.h[l] as Float32Array));
    });
    each((slot, state) => {
      let offset = 0;
      this.w.layers.forEach((layer, l) => {
        state.c.set(slot.c[l] as Float32Array, offset);
        state.h.set(slot.h[l] as Float32Array, offset);
        offset += layer.units;
      });
      slot.logits.set(this.w.fcBias);
    });
    const lastLayer = this.w.layers.length - 1;
    if (a) attentionStep(a, this.w.layers, slots, states, this.kernels, this.options.attentionQueryBias === true);
    k.matvecBatch(
      this.w.fc,
      0,
      slots.map((s) => (a ? s.output : (s.h[lastLayer] as Float32Array))),
      slots.map((s) => s.logits),
    );
    each((slot, state, _input, b) => {
      logits[b]?.set(slot.logits);
      state.steps++;
    });
  }
}
