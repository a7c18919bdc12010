import type { QuantizedNote, QuantizedSequence } from '../music/note-sequence.js';
import type { Architecture } from './checkpoint/architecture.js';
import { describeArchitecture } from './checkpoint/architecture.js';
import type { Checkpoint } from './checkpoint/reader.js';
import { readCheckpoint } from './checkpoint/reader.js';
import type { CheckpointSource } from './checkpoint/source.js';
import { openCheckpointSource } from './checkpoint/source.js';
import { writeBinaryCounter } from './encoding/binary-counter.js';
import { decodeDrumEvents, encodeDrumEvents } from './encoding/drum-events.js';
import type { DrumPitchMap } from './encoding/drum-pitch-maps.js';
import { DRUM_PITCH_MAPS, buildDrumPitchMap, identifyDrumPitchMap } from './encoding/drum-pitch-maps.js';
import type { MelodyRange } from './encoding/melody-events.js';
import { decodeMelodyEvents, encodeMelodyEvents } from './encoding/melody-events.js';
import { jsFloatKernels } from './network/js-float-kernels.js';
import type { Kernels } from './network/kernels.js';
import type { NetworkOptions } from './network/lstm-network.js';
import { LstmNetwork } from './network/lstm-network.js';
import type { NetworkState } from './network/network-state.js';
import { wasmCapacityFor, wasmKernels, wasmSimdAvailable } from './network/wasm/wasm-kernels.js';
import { cloneState, copyStateInto } from './network/network-state.js';

/** Per-sequence state: network state, metric position and the pending prediction. */
export interface ModelState {
  readonly net: NetworkState;
  /** Metric position (steps from a bar line) of the next event to be fed. */
  position: number;
  /** Logits for the next event; valid once `primed`. */
  readonly logits: Float32Array;
  primed: boolean;
}

/** Control (chord) vector for the step at a metric position, when the model takes one. */
export type ControlsAt = (position: number) => ArrayLike<number>;

/**
 * Which kernels run the network: `int8` (WebAssembly SIMD, weights 8-bit: the box's default),
 * `float32` (WebAssembly SIMD), `reference` (plain JS float32, matches magenta-js to 1e-5).
 */
export type EngineKind = 'int8' | 'float32' | 'reference';

export interface LoadOptions extends NetworkOptions {
  readonly engine?: EngineKind;
  /** Explicit kernels (tests, experiments); overrides `engine`. */
  readonly kernels?: Kernels;
}

function kernelsFor(arch: Architecture, options: LoadOptions): Kernels {
  if (options.kernels) return options.kernels;
  const engine = options.engine ?? 'int8';
  if (engine === 'reference' || !wasmSimdAvailable()) return jsFloatKernels();
  return wasmKernels(engine, wasmCapacityFor(arch.parameterCount, engine));
}

/** Where a primer's events come from and where its position starts. */
export interface Primer {
  readonly events: ArrayLike<number>;
  /** Metric position of the first event (0 = on a bar line). */
  readonly position?: number;
}

/**
 * A loaded MusicRNN: encodings, network and state handling. Inference here is synchronous and
 * pure (no timers, no I/O) so the caller decides where it runs (a worker, between clock ticks).
 */
export class MusicRnn {
  readonly arch: Architecture;
  readonly network: LstmNetwork;
  readonly drumMap: DrumPitchMap | undefined;
  readonly melodyRange: MelodyRange | undefined;
  private readonly spareStates: ModelState[] = [];
  private readonly auxBuffers: Float32Array[] = [];

  constructor(
    readonly checkpoint: Checkpoint,
    options: LoadOptions = {},
  ) {
    this.arch = describeArchitecture(checkpoint);
    const kernels = kernelsFor(this.arch, options);
    // The fast engines fold the attention input projection into layer 0; the reference keeps
    // magenta-js's order of operations.
    const fold = options.foldAttentionInput ?? kernels.name.startsWith('wasm');
    this.network = new LstmNetwork(this.arch, checkpoint, kernels, { ...options, foldAttentionInput: fold });
    const dc = checkpoint.config.dataConverter;
    if (dc.type === 'DrumsOneHotConverter') {
      const classes = dc.args.pitchClasses ?? DRUM_PITCH_MAPS.classic;
      const name = identifyDrumPitchMap(classes);
      this.drumMap = buildDrumPitchMap(classes, name);
      this.melodyRange = undefined;
    } else {
      this.drumMap = undefined;
      this.melodyRange = { minPitch: dc.args.minPitch, maxPitch: dc.args.maxPitch };
    }
  }

  get eventCount(): number {
    return this.arch.eventDepth;
  }

  /** A fresh state; `position` is the metric position of the first event that will be fed. */
  newState(position = 0): ModelState {
    return { net: this.network.newState(), position, logits: new Float32Array(this.arch.eventDepth), primed: false };
  }

  cloneState(s: ModelState): ModelState {
    const spare = this.spareStates.pop();
    if (spare === undefined)
      return { net: cloneState(s.net), position: s.position, logits: s.logits.slice(), primed: s.primed };
    copyStateInto(s.net, spare.net);
    spare.logits.set(s.logits);
    spare.position = s.position;
    spare.primed = s.primed;
    return spare;
  }

  /**
   * Hands a state no one will use again back for reuse by `cloneState`, so beam search does
   * not churn the garbage collector with 64 KB attention windows.
   */
  releaseState(s: ModelState): void {
    if (this.spareStates.length < 256 && s.logits.length === this.arch.eventDepth) this.spareStates.push(s);
  }

  /** Feeds one event at the state's position; afterwards `state.logits` predict the next one. */
  feed(state: ModelState, event: number, controls?: ControlsAt): void {
    this.feedBatch([state], [event], controls);
  }

  /** Feeds one event to each state in one batched pass (beam branches). */
  feedBatch(states: readonly ModelState[], events: readonly number[], controls?: ControlsAt): void {
    const inputs = states.map((state, b) => {
      const event = events[b] ?? -1;
      if (!Number.isInteger(event) || event < 0 || event >= this.arch.eventDepth) {
        throw new RangeError(`event ${event} is outside 0..${this.arch.eventDepth - 1}`);
      }
      const aux = (this.auxBuffers[b] ??= new Float32Array(this.arch.auxDepth));
      let offset = 0;
      for (const spec of this.checkpoint.config.auxInputs ?? []) {
        writeBinaryCounter(state.position, spec.args.numBits, aux, offset);
        offset += spec.args.numBits;
      }
      // magenta-js feeds the controls of the step being predicted (i + 1).
      const stepControls = this.arch.controlDepth > 0 ? controls?.(state.position + 1) : undefined;
      return { event, aux, ...(stepControls ? { controls: stepControls } : {}) };
    });
    this.network.stepBatch(
      states.map((s) => s.net),
      inputs,
      states.map((s) => s.logits),
    );
    for (const state of states) {
      state.position++;
      state.primed = true;
    }
  }

  /** Events of a quantised sequence in this model's encoding, from `fromStep` to `toStep`. */
  encode(sequence: QuantizedSequence, fromStep = 0, toStep = sequence.totalSteps): Primer {
    const events = this.drumMap
      ? encodeDrumEvents(sequence, this.drumMap, { fromStep, toStep }).events
      : encodeMelodyEvents(sequence, this.melodyRange ?? { minPitch: 0, maxPitch: 0 }, fromStep, toStep).events;
    return { events, position: fromStep };
  }

  /** Events back to notes, the first event landing on `startStep`. */
  decode(events: ArrayLike<number>, startStep: number): QuantizedNote[] {
    if (this.drumMap) return decodeDrumEvents(events, this.drumMap, { startStep });
    return decodeMelodyEvents(events, this.melodyRange ?? { minPitch: 0, maxPitch: 0 }, startStep);
  }
}

export async function loadMusicRnn(location: string | CheckpointSource, options: LoadOptions = {}): Promise<MusicRnn> {
  const source = typeof location === 'string' ? openCheckpointSource(location) : location;
  return new MusicRnn(await readCheckpoint(source), options);
}
