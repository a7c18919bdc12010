import type { DrumPitchMapName } from '../model/encoding/drum-pitch-maps.js';
import type { AugmentSettings } from './augmentation.js';

/** Everything that decides what a training run produces. Stored with the run for --resume. */
export interface TrainSettings {
  readonly layers: readonly number[];
  /** Attention window length (magenta-js's wrapper around the whole stack); none when absent. */
  readonly attentionLength?: number;
  readonly batch: number;
  /** Predicted steps per training crop (truncated back-propagation length). */
  readonly cropSteps: number;
  /**
   * Walk whole files with the state carried from crop to crop (truncated back-propagation
   * through time) instead of independent crops from zero state; cropSteps must then be a
   * multiple of 64.
   */
  readonly streaming?: boolean;
  readonly learningRate: number;
  /** Maximum passes over the training steps. */
  readonly epochs: number;
  /** Gradients are scaled down to this global norm (Magenta: 3). */
  readonly clipNorm: number;
  /** Fraction of LSTM outputs dropped while training (Magenta: 0.5). */
  readonly dropout: number;
  /** One dropout mask per layer and batch, shared by its steps (Regularisation.lockedDropout). */
  readonly lockedDropout?: boolean;
  /** AR and TAR weights (Regularisation.activationReg, temporalReg); 0 or absent: off. */
  readonly activationReg?: number;
  readonly temporalReg?: number;
  /** DropConnect on the recurrent kernel rows, one mask per batch (AWD-LSTM); 0 or absent: off. */
  readonly weightDrop?: number;
  /** Fraction of input events dropped whole, per step and lane (embedding dropout); 0 or absent: off. */
  readonly inputDrop?: number;
  /** Event rows and columns as drum parts plus a free part (NetworkShape.factoredEvents). */
  readonly factoredEvents?: boolean;
  /** L2 weight on the free per-event parts when factored (Regularisation.eventDecay). */
  readonly eventDecay?: number;
  /**
   * Validate and export an exponential moving average of the weights with this decay per update
   * (WeightAverage); 0 or absent: the weights as trained.
   */
  readonly averageDecay?: number;
  /** Drum-aware augmentation of the training crops (not with streaming); absent: none. */
  readonly augment?: AugmentSettings;
  /** Validations without improvement before the learning rate halves. */
  readonly decayPatience: number;
  /** Validations without improvement before training stops early. */
  readonly stopPatience: number;
  /** Validations per epoch. */
  readonly evalsPerEpoch: number;
  readonly checkpointMinutes: number;
  readonly seed: number;
  readonly pitchMap: DrumPitchMapName;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  layers: [256, 256],
  batch: 64,
  cropSteps: 128,
  learningRate: 0.002,
  epochs: 30,
  clipNorm: 3,
  dropout: 0.2,
  weightDrop: 0,
  inputDrop: 0,
  decayPatience: 2,
  stopPatience: 6,
  evalsPerEpoch: 1,
  checkpointMinutes: 5,
  seed: 1,
  pitchMap: 'current',
};
