import type { SeededRandom } from '../util/seeded-random.js';
import * as tf from '@tensorflow/tfjs';
import { augmentedCrop, type AugmentSettings, type AugmentSource } from './augmentation.js';

/** A batch in the per-step layout DrumNetwork.loss takes. */
export interface StepBatch {
  readonly inputs: tf.Tensor1D[];
  readonly targets: tf.Tensor1D[];
  readonly masks: tf.Tensor1D[];
  readonly realSteps: number;
  /**
   * Streaming only: per lane, 1 when the crop continues the lane's previous crop (its state
   * carries over) and 0 when the lane starts a new file (its state starts from zero).
   */
  readonly carries?: Float32Array;
}

/** Picks windows with probability proportional to their predicted steps. */
export class WindowPicker {
  private readonly cumulative: Float64Array;

  constructor(private readonly windows: readonly Uint16Array[]) {
    if (windows.length === 0) throw new Error('no training windows: nothing to train on');
    this.cumulative = new Float64Array(windows.length);
    let total = 0;
    windows.forEach((w, i) => {
      total += Math.max(0, w.length - 1);
      this.cumulative[i] = total;
    });
  }

  /** Predicted steps in the whole set: one epoch. */
  get totalSteps(): number {
    return this.cumulative[this.cumulative.length - 1] ?? 0;
  }

  pick(rng: SeededRandom): number {
    const target = rng.next() * this.totalSteps;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  window(index: number): Uint16Array {
    return this.windows[index] ?? new Uint16Array(0);
  }
}

/** Per-step tensors of a time-major [cropSteps x batch] layout. */
export function stepTensors(
  inputs: Int32Array,
  targets: Int32Array,
  masks: Float32Array,
  cropSteps: number,
  batch: number,
): Pick<StepBatch, 'inputs' | 'targets' | 'masks'> {
  const slice = <T extends Int32Array | Float32Array>(a: T, t: number): T =>
    a.subarray(t * batch, (t + 1) * batch) as T;
  return {
    inputs: Array.from({ length: cropSteps }, (_, t) => tf.tensor1d(slice(inputs, t), 'int32')),
    targets: Array.from({ length: cropSteps }, (_, t) => tf.tensor1d(slice(targets, t), 'int32')),
    masks: Array.from({ length: cropSteps }, (_, t) => tf.tensor1d(slice(masks, t), 'float32')),
  };
}

/** Augmentation for a BatchSampler: the transforms and each window's hits (parallel to its windows). */
export interface SamplerAugmentation {
  readonly settings: AugmentSettings;
  readonly hits: readonly AugmentSource['hits'][];
}

/**
 * Cuts training crops of `cropSteps` predicted steps from bar lines of the windows; windows are
 * picked with probability proportional to length, so every step is equally likely to be seen.
 * Crops shorter than `cropSteps` (the end of a window) are padded and masked. With
 * `augmentation`, each crop is rebuilt from its window's hits through the transforms.
 */
export class BatchSampler {
  private readonly picker: WindowPicker;
  private readonly sources: AugmentSource[] | undefined;

  constructor(
    windows: readonly Uint16Array[],
    private readonly cropSteps: number,
    private readonly stepsPerBar = 16,
    private readonly augmentation?: SamplerAugmentation,
  ) {
    this.picker = new WindowPicker(windows);
    if (augmentation && augmentation.hits.length !== windows.length)
      throw new RangeError(
        `augmentation needs the hits of every window: ${augmentation.hits.length} for ${windows.length}`,
      );
    this.sources = augmentation?.hits.map((hits, i) => ({
      length: windows[i]?.length ?? 0,
      hits: [...hits].sort((a, b) => a.step - b.step),
    }));
  }

  /** Predicted steps in the whole set: one epoch. */
  get totalSteps(): number {
    return this.picker.totalSteps;
  }

  sample(batch: number, rng: SeededRandom): StepBatch {
    const inputs = new Int32Array(this.cropSteps * batch);
    const targets = new Int32Array(this.cropSteps * batch);
    const masks = new Float32Array(this.cropSteps * batch);
    let realSteps = 0;
    for (let b = 0; b < batch; b++) {
      const index = this.picker.pick(rng);
      const whole = this.picker.window(index);
      const bars = Math.max(1, Math.ceil((whole.length - 1) / this.stepsPerBar));
      let start = Math.floor(rng.next() * bars) * this.stepsPerBar;
      const source = this.sources?.[index];
      let events = whole;
      if (source && this.augmentation) {
        // The crop and the step after it, rebuilt; indices below are then crop-relative.
        const length = Math.min(this.cropSteps + 1, Math.max(0, whole.length - start));
        events = augmentedCrop(source, start, length, this.augmentation.settings, rng);
        start = 0;
      }
      for (let t = 0; t < this.cropSteps; t++) {
        const at = start + t;
        if (at + 1 >= events.length) break;
        inputs[t * batch + b] = events[at] ?? 0;
        targets[t * batch + b] = events[at + 1] ?? 0;
        masks[t * batch + b] = 1;
        realSteps++;
      }
    }
    return { ...stepTensors(inputs, targets, masks, this.cropSteps, batch), realSteps };
  }
}

export function disposeBatch(batch: StepBatch): void {
  for (const list of [batch.inputs, batch.targets, batch.masks]) for (const t of list) t.dispose();
}
