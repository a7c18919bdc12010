import type { Kernels, PackedMatrix } from './kernels.js';
import type { NetworkState } from './network-state.js';

/** Scratch for one sequence of a batch; all from the kernels' memory. */
export interface Slot {
  readonly controls: Float32Array;
  readonly xcat: Float32Array[];
  readonly gates: Float32Array[];
  readonly c: Float32Array[];
  readonly h: Float32Array[];
  readonly auxAttn: Float32Array;
  readonly projected: Float32Array;
  readonly query: Float32Array;
  readonly queryOut: Float32Array;
  readonly features: Float32Array;
  readonly scores: Float32Array;
  readonly window: Float32Array;
  readonly read: Float32Array;
  readonly lastAndRead: Float32Array;
  readonly output: Float32Array;
  readonly newFeatures: Float32Array;
  readonly logits: Float32Array;
}

export interface Weights {
  readonly layers: { readonly units: number; readonly kernel: PackedMatrix; readonly bias: Float32Array }[];
  readonly attention?: {
    readonly length: number;
    readonly size: number;
    /** Absent when folded into layer 0. */
    readonly input?: PackedMatrix;
    readonly inputBias: Float32Array;
    readonly w: PackedMatrix;
    readonly v: Float32Array;
    readonly query: PackedMatrix;
    readonly queryBias: Float32Array;
    readonly output: PackedMatrix;
    readonly outputBias: Float32Array;
  };
  readonly fc: PackedMatrix;
  readonly fcBias: Float32Array;
}

export type AttentionWeights = NonNullable<Weights['attention']>;

/**
 * The attention wrapper's step after the LSTM stack (magenta-js attention.ts): query from every
 * layer's (c, h), scores against the window, read, output projection, and the window update.
 */
export function attentionStep(
  a: AttentionWeights,
  layers: Weights['layers'],
  slots: readonly Slot[],
  states: readonly NetworkState[],
  k: Kernels,
  queryBias: boolean,
): void {
  const { length, size } = a;
  slots.forEach((slot) => {
    let q = 0;
    layers.forEach((layer, l) => {
      slot.query.set(slot.c[l] as Float32Array, q);
      slot.query.set(slot.h[l] as Float32Array, q + layer.units);
      q += 2 * layer.units;
    });
    // magenta-js leaves attention/bias out of the query (TensorFlow adds it).
    if (queryBias) slot.queryOut.set(a.queryBias);
    else slot.queryOut.fill(0);
  });
  k.matvecBatch(
    a.query,
    0,
    slots.map((s) => s.query),
    slots.map((s) => s.queryOut),
  );
  slots.forEach((slot, b) => {
    const state = states[b] as NetworkState;
    slot.features.set(state.windowFeatures);
    k.attentionScores(slot.features, slot.queryOut, a.v, length, slot.scores);
    let max = -Infinity;
    for (let s = 0; s < length; s++) max = Math.max(max, slot.scores[s] ?? 0);
    let sum = 0;
    for (let s = 0; s < length; s++) sum += slot.scores[s] = Math.exp((slot.scores[s] ?? 0) - max);
    for (let s = 0; s < length; s++) slot.scores[s] = (slot.scores[s] ?? 0) / sum;
    slot.window.set(state.window);
    k.weightedSum(slot.window, slot.scores, length, slot.read);
    state.attention.set(slot.read);
    const lastH = slot.h[slot.h.length - 1] as Float32Array;
    slot.lastAndRead.set(lastH, 0);
    slot.lastAndRead.set(slot.read, lastH.length);
    slot.output.set(a.outputBias);
    slot.newFeatures.fill(0);
  });
  k.matvecBatch(
    a.output,
    0,
    slots.map((s) => s.lastAndRead),
    slots.map((s) => s.output),
  );
  // The oldest slot takes the new output; its attn_w features are computed once, here.
  k.matvecBatch(
    a.w,
    0,
    slots.map((s) => s.output),
    slots.map((s) => s.newFeatures),
  );
  slots.forEach((slot, b) => {
    const state = states[b] as NetworkState;
    state.window.set(slot.output, state.ringStart * size);
    state.windowFeatures.set(slot.newFeatures, state.ringStart * size);
    state.ringStart = (state.ringStart + 1) % length;
  });
}
