import type { SeededRandom } from '../util/seeded-random.js';
import { stepTensors, WindowPicker, type StepBatch } from './batch-sampler.js';

/** Where one batch lane is in its file: saved with the run so a resumed stream continues. */
export interface StreamLane {
  readonly window: number;
  /** Index of the lane's next input step in that window. */
  readonly position: number;
}

/**
 * The binary counter repeats every 64 steps: a crop that is a multiple of it keeps a carried
 * lane's counter bits equal to its position in the file, as the engine sees it on stage.
 */
export const STREAM_CROP_MULTIPLE = 64;

/**
 * Truncated back-propagation through whole files. Each batch lane walks one file crop after
 * crop, its state carried between crops (`carries`), so the network learns to stay sharp
 * thousands of steps into a performance; this is how it is scored and how it plays. A lane
 * whose file ends is padded and masked to the crop's end and starts a new file (picked by
 * length, like BatchSampler) at the next crop, from zero state.
 */
export class StreamSampler {
  private readonly picker: WindowPicker;
  private lanes: (StreamLane | undefined)[];

  constructor(
    windows: readonly Uint16Array[],
    private readonly cropSteps: number,
    lanes: readonly StreamLane[] = [],
  ) {
    if (cropSteps <= 0 || cropSteps % STREAM_CROP_MULTIPLE !== 0) {
      throw new RangeError(
        `streaming crops must be a positive multiple of ${STREAM_CROP_MULTIPLE} steps (the binary counter's period), got ${cropSteps}`,
      );
    }
    this.picker = new WindowPicker(windows);
    this.lanes = [...lanes];
  }

  get totalSteps(): number {
    return this.picker.totalSteps;
  }

  /** The lanes' positions after the last batch (for a resumable checkpoint). */
  get positions(): StreamLane[] {
    return this.lanes.filter((l): l is StreamLane => l !== undefined);
  }

  sample(batch: number, rng: SeededRandom): StepBatch {
    const crop = this.cropSteps;
    const inputs = new Int32Array(crop * batch);
    const targets = new Int32Array(crop * batch);
    const masks = new Float32Array(crop * batch);
    const carries = new Float32Array(batch);
    let realSteps = 0;
    for (let b = 0; b < batch; b++) {
      let lane = this.lanes[b];
      if (lane !== undefined && lane.position + 1 < this.picker.window(lane.window).length) carries[b] = 1;
      else lane = { window: this.picker.pick(rng), position: 0 };
      const events = this.picker.window(lane.window);
      for (let t = 0; t < crop; t++) {
        const at = lane.position + t;
        if (at + 1 >= events.length) break;
        inputs[t * batch + b] = events[at] ?? 0;
        targets[t * batch + b] = events[at + 1] ?? 0;
        masks[t * batch + b] = 1;
        realSteps++;
      }
      this.lanes[b] = { window: lane.window, position: lane.position + crop };
    }
    return { ...stepTensors(inputs, targets, masks, crop, batch), realSteps, carries };
  }
}
