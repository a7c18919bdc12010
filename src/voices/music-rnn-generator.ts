import { beamSearch } from '../model/beam-search.js';
import { continueEvents, feedScored } from '../model/generate.js';
import type { ModelState, MusicRnn } from '../model/music-rnn.js';
import { callShaper } from '../model/sampling/shaping.js';
import type {
  GenerationRequest,
  GenerationResult,
  GeneratorState,
  LogLikelihood,
  ResponseGenerator,
} from '../perform/generator-port.js';

interface RnnState extends GeneratorState {
  readonly model: MusicRnn;
  readonly inner: ModelState;
}

/** A drum model's generator port over the model engine (src/model), run in this thread. */
export class MusicRnnGenerator implements ResponseGenerator {
  readonly classPitches: readonly number[];
  readonly #stepsPerBar: number;

  constructor(
    readonly name: string,
    readonly model: MusicRnn,
    stepsPerBar = 16,
  ) {
    const map = model.drumMap;
    if (!map) throw new NotADrumModel(name);
    this.classPitches = map.classes.map((c) => c[0] ?? 0);
    this.#stepsPerBar = stepsPerBar;
  }

  classOf(pitch: number): number {
    return this.model.drumMap?.classOfPitch[pitch] ?? -1;
  }

  generate(request: GenerationRequest): Promise<GenerationResult> {
    try {
      return Promise.resolve(this.generateNow(request));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Synchronous generation: for the worker, the offline command and the bench. */
  generateNow(request: GenerationRequest): GenerationResult {
    const { model } = this;
    const carried = request.state as RnnState | undefined;
    let state: ModelState;
    if (carried && carried.model === model) {
      state = model.cloneState(carried.inner);
      // The new call starts on a bar line: keep the binary counter's bar phase true.
      state.position = Math.ceil(state.position / this.#stepsPerBar) * this.#stepsPerBar;
    } else {
      state = model.newState(0);
    }
    const temperature = request.temperature;
    const primerPerStep = new Float64Array(request.primer.length);
    const primerTotal = feedScored(model, state, request.primer, temperature, undefined, primerPerStep);
    const shaper = callShaper(request.primer, request, model.eventCount, this.#stepsPerBar);
    const options = {
      temperature,
      seed: request.seed,
      state,
      // 0 and 1 are the settings' "off"; anything else out of range is refused by name.
      ...(request.topK !== undefined && request.topK !== 0 ? { topK: request.topK } : {}),
      ...(request.topP !== undefined && request.topP !== 1 ? { topP: request.topP } : {}),
      ...(shaper ? { shaper } : {}),
    };
    const cont =
      request.beamSize > 1
        ? beamSearch(model, { events: [] }, request.steps, { ...options, beamSize: request.beamSize, branchFactor: 2 })
        : continueEvents(model, { events: [] }, request.steps, options);
    const next: RnnState = { kind: 'generator-state', model, inner: cont.state };
    return {
      events: cont.events,
      logLikelihood: { total: cont.logLikelihood, perStep: [...cont.perStep] },
      primerLogLikelihood: scored(primerTotal, primerPerStep),
      state: next,
    };
  }

  dispose(): void {}
}

/** The first primer event has no prediction without carried state: it is left out, not counted as 0. */
function scored(total: number, perStep: Float64Array): LogLikelihood {
  return { total, perStep: [...perStep].filter((v) => !Number.isNaN(v)) };
}

export class NotADrumModel extends Error {
  override readonly name = 'NotADrumModel';
  constructor(readonly model: string) {
    super(`model '${model}' is not a drum model (its dataConverter is not DrumsOneHotConverter)`);
  }
}
