/**
 * Everything a MusicRNN carries from one step to the next, as plain arrays so it can be
 * copied (beam branches) and kept between exchanges (the performance engine).
 */
export interface NetworkState {
  /** Cell state of every layer, concatenated. */
  readonly c: Float32Array;
  /** Output of every layer, concatenated. */
  readonly h: Float32Array;
  /** Attention read of the last step (`attn_prev`); empty without attention. */
  readonly attention: Float32Array;
  /**
   * The attention window, `length` slots of `size`, used as a ring: slot order does not
   * change the attention maths, only which slot is oldest (`ringStart`).
   */
  readonly window: Float32Array;
  /** `window[k] · attn_w` per slot, computed once when the slot is written. */
  readonly windowFeatures: Float32Array;
  ringStart: number;
  /** Steps fed so far. */
  steps: number;
}

export function createState(totalUnits: number, attentionLength: number, attentionSize: number): NetworkState {
  return {
    c: new Float32Array(totalUnits),
    h: new Float32Array(totalUnits),
    attention: new Float32Array(attentionSize),
    window: new Float32Array(attentionLength * attentionSize),
    windowFeatures: new Float32Array(attentionLength * attentionSize),
    ringStart: 0,
    steps: 0,
  };
}

export function cloneState(s: NetworkState): NetworkState {
  return {
    c: s.c.slice(),
    h: s.h.slice(),
    attention: s.attention.slice(),
    window: s.window.slice(),
    windowFeatures: s.windowFeatures.slice(),
    ringStart: s.ringStart,
    steps: s.steps,
  };
}

export function copyStateInto(from: NetworkState, to: NetworkState): void {
  to.c.set(from.c);
  to.h.set(from.h);
  to.attention.set(from.attention);
  to.window.set(from.window);
  to.windowFeatures.set(from.windowFeatures);
  to.ringStart = from.ringStart;
  to.steps = from.steps;
}
