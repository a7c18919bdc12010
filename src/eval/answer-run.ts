import type { Exchange } from '../perform/engine-types.js';
import type { GenerationRequest, ResponseGenerator, SamplingSettings } from '../perform/generator-port.js';
import { respondOffline } from '../perform/offline-respond.js';
import type { PerformLog } from '../perform/session.js';
import { repeatBar, scoreExchange, summarize, type AnswerSummary, type ExchangeScore } from './answer-quality.js';
import type { AnswerCase } from './answer-set.js';

/** A sampling setting under test, with the label it is printed under. */
export interface AnswerSetting {
  readonly label: string;
  readonly sampling: SamplingSettings;
}

/**
 * The generator with a setting's sampling fields put into every request: the offline path
 * (like the engine today) passes temperature and beam only.
 */
export function withSampling(generator: ResponseGenerator, sampling: SamplingSettings): ResponseGenerator {
  const { topK, topP, profileWeight, profileFloor, densityWeight } = sampling;
  return {
    name: generator.name,
    classPitches: generator.classPitches,
    classOf: (p) => generator.classOf(p),
    generate: (request: GenerationRequest) =>
      generator.generate({ ...request, topK, topP, profileWeight, profileFloor, densityWeight }),
    dispose: () => undefined,
  };
}

export interface SettingResult {
  readonly setting: AnswerSetting;
  readonly summary: AnswerSummary;
  /** The first `keepExchanges` exchanges, in case order, for printing. */
  readonly exchanges: Exchange[];
  /** Cases where the engine heard a call other than the cut one (should be 0). */
  readonly callMismatches: number;
}

export interface RunOptions {
  readonly seed: number;
  /** Answers per call, each with its own seed. */
  readonly draws: number;
  readonly keepExchanges: number;
  readonly log: PerformLog;
}

/** Seed of one answer: fixed by the run's seed, the case and the draw, so every setting sees the same seeds. */
export function answerSeed(seed: number, caseIndex: number, draw: number, draws: number): number {
  return seed * 100_003 + caseIndex * draws + draw;
}

/** Answers every case with the box's own offline path and scores the answers. */
export async function runSetting(
  cases: readonly AnswerCase[],
  generator: ResponseGenerator,
  setting: AnswerSetting,
  options: RunOptions,
): Promise<SettingResult> {
  const shaped = withSampling(generator, setting.sampling);
  const scores: ExchangeScore[] = [];
  const exchanges: Exchange[] = [];
  let callMismatches = 0;
  for (const [i, c] of cases.entries()) {
    for (let d = 0; d < options.draws; d++) {
      const { temperature, beamSize } = setting.sampling;
      const bars = c.truthEvents.length / 16;
      const x = await respondOffline(
        c.call,
        shaped,
        { temperature, beamSize, bars, seed: answerSeed(options.seed, i, d, options.draws), log: options.log },
        c.file,
      );
      const answer = x.turns[0]?.events ?? new Uint16Array(c.truthEvents.length);
      if (!sameEvents(x.call.events, c.callEvents)) callMismatches++;
      scores.push(scoreExchange(answer, c.callEvents, c.truthEvents));
      if (d === 0 && exchanges.length < options.keepExchanges) exchanges.push(x);
    }
  }
  return { setting, summary: summarize(scores), exchanges, callMismatches };
}

/** The simple answers a model must beat, scored the same way. */
export function baselineSummaries(cases: readonly AnswerCase[]): { label: string; summary: AnswerSummary }[] {
  const score = (answerOf: (c: AnswerCase) => Uint16Array): AnswerSummary =>
    summarize(cases.map((c) => scoreExchange(answerOf(c), c.callEvents, c.truthEvents)));
  const bars = (c: AnswerCase): number => c.truthEvents.length / 16;
  return [
    { label: 'repeat bar 2', summary: score((c) => repeatBar(c.callEvents, c.callEvents.length / 16 - 1, bars(c))) },
    { label: 'copy the call', summary: score((c) => c.callEvents.slice(0, c.truthEvents.length)) },
    { label: 'drummer (truth)', summary: score((c) => c.truthEvents) },
  ];
}

function sameEvents(a: Uint16Array, b: Uint16Array): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}
