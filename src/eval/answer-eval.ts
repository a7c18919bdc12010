import { loadMusicRnn, type EngineKind } from '../model/music-rnn.js';
import { MusicRnnGenerator } from '../voices/music-rnn-generator.js';
import type { PerformLog } from '../perform/session.js';
import { SeededRandom } from '../util/seeded-random.js';
import { formatAnswerTable, renderExample, type Column } from './answer-report.js';
import { baselineSummaries, runSetting, type AnswerSetting, type SettingResult } from './answer-run.js';
import { loadAnswerSet, type AnswerCase } from './answer-set.js';

export interface AnswerEvalOptions {
  readonly engine: EngineKind;
  readonly split: 'validation' | 'train' | 'all';
  readonly settings: readonly AnswerSetting[];
  readonly seed: number;
  readonly draws: number;
  /** At most this many calls, a seeded random subset kept in file order; undefined = all. */
  readonly limit: number | undefined;
  /** Example exchanges printed as drum grids. */
  readonly examples: number;
}

const quiet: PerformLog = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** A seeded subset of `n` cases, in their original order. */
export function sampleCases(cases: readonly AnswerCase[], n: number | undefined, seed: number): AnswerCase[] {
  if (n === undefined || n >= cases.length) return [...cases];
  const rng = new SeededRandom(seed);
  const order = cases.map((_, i) => ({ i, key: rng.next() })).sort((a, b) => a.key - b.key);
  return order
    .slice(0, n)
    .map((o) => o.i)
    .sort((a, b) => a - b)
    .flatMap((i) => cases[i] ?? []);
}

/**
 * `antiphon eval MODEL DIR --answers`: answers bars 1–2 of each 4/4 beat with the box's own
 * offline path under every setting, and prints the figures side by side with the baselines.
 * Returns the exit code.
 */
export async function runAnswerEval(
  modelDir: string,
  dataDir: string,
  o: AnswerEvalOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const model = await loadMusicRnn(modelDir, { engine: o.engine });
  if (model.drumMap === undefined) throw new Error(`${modelDir} is not a drum model`);
  const generator = new MusicRnnGenerator('model', model);
  const set = await loadAnswerSet(dataDir, o.split, { map: model.drumMap });
  for (const s of set.skipped) err(`skipped ${s.file}: ${s.reason}\n`);
  const cases = sampleCases(set.cases, o.limit, o.seed);
  if (cases.length === 0) {
    err(`${dataDir}: no 4/4 beat with 4 bars to cut a call from (${set.filesRead} files looked at)\n`);
    return 1;
  }
  const subset =
    cases.length < set.cases.length ? `a seeded subset of ${cases.length} of ${set.cases.length}` : `${cases.length}`;
  out(
    `${subset} calls (${o.split} split of ${dataDir}, ${set.skipped.length} files skipped), ${o.draws} answer(s) each, seed ${o.seed}, ${o.engine} engine\n`,
  );
  out(
    "call = bars 1-2 from the bar of the first hit; answer = 2 bars from the box's offline path; truth = the drummer's bars 3-4\n",
  );
  const results: SettingResult[] = [];
  for (const setting of o.settings) {
    const t0 = performance.now();
    const r = await runSetting(cases, generator, setting, {
      seed: o.seed,
      draws: o.draws,
      keepExchanges: o.examples,
      log: quiet,
    });
    results.push(r);
    err(
      `${setting.label}: ${((performance.now() - t0) / 1000).toFixed(1)} s${r.callMismatches > 0 ? `, the engine heard ${r.callMismatches} call(s) differently from the cut` : ''}\n`,
    );
  }
  const columns: Column[] = [
    ...results.map((r) => ({ label: r.setting.label, summary: r.summary })),
    ...baselineSummaries(cases),
  ];
  out(formatAnswerTable(columns));
  for (let i = 0; i < Math.min(o.examples, cases.length); i++) {
    const c = cases[i];
    if (c)
      out(
        `\n${renderExample(results, c.truthEvents, c.file, i, generator.classPitches, (p) => generator.classOf(p))}\n`,
      );
  }
  return 0;
}
