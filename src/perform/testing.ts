import { seededRandom } from '../util/seeded-random.js';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { GenerationRequest, GenerationResult, GeneratorState, ResponseGenerator } from './generator-port.js';

/** State of the test double: how many generations it has continued from. */
export interface CountingState extends GeneratorState {
  readonly generations: number;
}

const map = drumPitchMap('classic');

/**
 * A test double for the generator port (pure engine tests only; the box runs real models):
 * a seeded backbeat with random ghost notes. `shape` can force silence or a wall of hits so
 * the loop guard can be exercised; every request is kept for inspection.
 */
export class FakeDrummer implements ResponseGenerator {
  readonly classPitches = map.classes.map((c) => c[0] ?? 0);
  readonly requests: GenerationRequest[] = [];
  shape: (request: GenerationRequest) => 'groove' | 'silent' | 'dense' = () => 'groove';

  constructor(readonly name = 'fake') {}

  classOf(pitch: number): number {
    return map.classOfPitch[pitch] ?? -1;
  }

  generate(request: GenerationRequest): Promise<GenerationResult> {
    this.requests.push(request);
    const rand = seededRandom(request.seed);
    const shape = this.shape(request);
    const events = new Uint16Array(request.steps);
    for (let t = 0; t < request.steps; t++) {
      if (shape === 'silent') continue;
      if (shape === 'dense') {
        events[t] = 0b111111111;
        continue;
      }
      let e = t % 2 === 0 ? 1 << 2 : 0;
      if (t % 8 === 0) e |= 1;
      if (t % 8 === 4) e |= 1 << 1;
      if (rand() < 0.1 * request.temperature) e |= 1 << 1;
      events[t] = e;
    }
    const prior = (request.state as CountingState | undefined)?.generations ?? 0;
    const state: CountingState = { kind: 'generator-state', generations: prior + 1 };
    const perStep = [...events].map((e) => -0.5 - 0.1 * popcount(e));
    const primerPerStep = [...request.primer].map((e) => -0.7 - 0.1 * popcount(e));
    return Promise.resolve({
      events,
      logLikelihood: { total: sum(perStep), perStep },
      primerLogLikelihood: { total: sum(primerPerStep), perStep: primerPerStep },
      state,
    });
  }

  dispose(): void {}
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
function popcount(v: number): number {
  let n = 0;
  for (let x = v; x !== 0; x &= x - 1) n++;
  return n;
}
