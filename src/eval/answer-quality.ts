/**
 * How a musician would judge an answer, on the 16th grid with the drum classes: does it land
 * where the drummer really went on (hit-set F1 against the truth), is it as busy as the call
 * (density), does it keep the call's backbone (kick and snare on the beats), and how much of it
 * is merely a copy. Pure functions over drum events (`sum(2**class)` per 16th).
 */

/** Drum classes the box's models use: 0 = kick, 1 = snare, then hats, toms, cymbals. */
export const CLASS_COUNT = 9;
export const KICK = 0;
export const SNARE = 1;
/** The strong beats: the quarter-note positions of a 16-step bar (beats 1, 2, 3 and 4). */
export const STRONG_POSITIONS = [0, 4, 8, 12] as const;
/** An answer's density is "like the call's" within this fraction of the call's hits. */
export const DENSITY_TOLERANCE = 0.3;

export function hitCountOf(events: ArrayLike<number>): number {
  let n = 0;
  for (let t = 0; t < events.length; t++) for (let e = events[t] ?? 0; e !== 0; e &= e - 1) n++;
  return n;
}

/** Hits (step, drum) that both play. */
export function sharedHits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let shared = 0;
  for (let t = 0; t < n; t++) for (let e = (a[t] ?? 0) & (b[t] ?? 0); e !== 0; e &= e - 1) shared++;
  return shared;
}

/** F1 of two hit sets: 2|A∩B| / (|A| + |B|); two silent passages agree (1). */
export function hitF1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const total = hitCountOf(a) + hitCountOf(b);
  return total === 0 ? 1 : (2 * sharedHits(a, b)) / total;
}

/** Whether the answer's hits are within ±tolerance of the call's, per step (lengths may differ). */
export function densityWithin(
  answer: ArrayLike<number>,
  call: ArrayLike<number>,
  tolerance = DENSITY_TOLERANCE,
): boolean {
  const callRate = hitCountOf(call) / Math.max(1, call.length);
  const answerRate = hitCountOf(answer) / Math.max(1, answer.length);
  return Math.abs(answerRate - callRate) <= tolerance * callRate + 1e-12;
}

/** Share of the answer's hits that the copy does not play; a silent answer has nothing new (0). */
export function novelShare(answer: ArrayLike<number>, copy: ArrayLike<number>): number {
  const hits = hitCountOf(answer);
  return hits === 0 ? 0 : (hits - sharedHits(answer, copy)) / hits;
}

/** The kick and snare hits of one bar on the strong beats, as a bit set (bit = position index * 2 + drum). */
function backboneOfBar(events: ArrayLike<number>, bar: number, stepsPerBar: number): number {
  let set = 0;
  STRONG_POSITIONS.forEach((pos, i) => {
    const e = events[bar * stepsPerBar + (pos * stepsPerBar) / 16] ?? 0;
    if (e & (1 << KICK)) set |= 1 << (i * 2);
    if (e & (1 << SNARE)) set |= 1 << (i * 2 + 1);
  });
  return set;
}

/**
 * Whether the answer keeps the call's kick and snare on the strong beats: every answer bar
 * plays the kick/snare beats the call plays in all its bars, and none the call plays in none
 * (a beat the call varies may come or go). A call with no kick or snare on the beats is kept
 * by an answer with none there either.
 */
export function keepsBackbone(answer: ArrayLike<number>, call: ArrayLike<number>, stepsPerBar = 16): boolean {
  const callBars = Math.floor(call.length / stepsPerBar);
  const answerBars = Math.floor(answer.length / stepsPerBar);
  let always = 0xff;
  let ever = 0;
  for (let b = 0; b < callBars; b++) {
    const set = backboneOfBar(call, b, stepsPerBar);
    always &= set;
    ever |= set;
  }
  if (callBars === 0) always = 0;
  for (let b = 0; b < answerBars; b++) {
    const set = backboneOfBar(answer, b, stepsPerBar);
    if ((set & always) !== always || (set & ~ever) !== 0) return false;
  }
  return true;
}

/** Bar `bar` of `events` played `times` times. */
export function repeatBar(events: Uint16Array, bar: number, times: number, stepsPerBar = 16): Uint16Array {
  const one = events.subarray(bar * stepsPerBar, (bar + 1) * stepsPerBar);
  const out = new Uint16Array(one.length * times);
  for (let i = 0; i < times; i++) out.set(one, i * one.length);
  return out;
}

/** One exchange's figures. */
export interface ExchangeScore {
  readonly f1Truth: number;
  readonly densityOk: boolean;
  /** Answer hits / call hits (per step). */
  readonly densityRatio: number;
  /** F1 against "repeat the call's last bar": how much it copies. */
  readonly f1RepeatLast: number;
  /** Share of its hits that "repeat the call's last bar" does not play. */
  readonly novelShare: number;
  readonly keepsBackbone: boolean;
  /** Per drum: hits in both, in the answer, in the truth. */
  readonly perDrum: readonly { readonly shared: number; readonly answer: number; readonly truth: number }[];
}

export function scoreExchange(
  answer: Uint16Array,
  call: Uint16Array,
  truth: Uint16Array,
  stepsPerBar = 16,
): ExchangeScore {
  const callBars = Math.floor(call.length / stepsPerBar);
  const repeatLast = repeatBar(call, Math.max(0, callBars - 1), Math.ceil(answer.length / stepsPerBar), stepsPerBar);
  const perDrum = Array.from({ length: CLASS_COUNT }, (_, c) => {
    const only = (xs: Uint16Array): Uint16Array => xs.map((e) => e & (1 << c));
    const a = only(answer);
    const t = only(truth);
    return { shared: sharedHits(a, t), answer: hitCountOf(a), truth: hitCountOf(t) };
  });
  const callRate = hitCountOf(call) / Math.max(1, call.length);
  return {
    f1Truth: hitF1(answer, truth),
    densityOk: densityWithin(answer, call),
    densityRatio: callRate === 0 ? 0 : hitCountOf(answer) / Math.max(1, answer.length) / callRate,
    f1RepeatLast: hitF1(answer, repeatLast),
    novelShare: novelShare(answer, repeatLast),
    keepsBackbone: keepsBackbone(answer, call, stepsPerBar),
    perDrum,
  };
}

/** Figures over many exchanges: means per exchange, per-drum F1 pooled over all hits. */
export interface AnswerSummary {
  readonly exchanges: number;
  readonly f1Truth: number;
  readonly densityOk: number;
  readonly medianDensityRatio: number;
  readonly f1RepeatLast: number;
  readonly novelShare: number;
  readonly keepsBackbone: number;
  /** Per drum: pooled F1 against the truth (NaN when neither plays it), and hits per exchange. */
  readonly perDrum: readonly { readonly f1: number; readonly hitsPerExchange: number }[];
}

export function summarize(scores: readonly ExchangeScore[]): AnswerSummary {
  const n = Math.max(1, scores.length);
  const mean = (f: (s: ExchangeScore) => number): number => scores.reduce((a, s) => a + f(s), 0) / n;
  const ratios = scores.map((s) => s.densityRatio).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const median =
    ratios.length === 0
      ? 0
      : ratios.length % 2 === 1
        ? (ratios[Math.floor(mid)] ?? 0)
        : ((ratios[mid - 1] ?? 0) + (ratios[mid] ?? 0)) / 2;
  const perDrum = Array.from({ length: CLASS_COUNT }, (_, c) => {
    let shared = 0;
    let answer = 0;
    let truth = 0;
    for (const s of scores) {
      const d = s.perDrum[c];
      shared += d?.shared ?? 0;
      answer += d?.answer ?? 0;
      truth += d?.truth ?? 0;
    }
    return { f1: answer + truth === 0 ? Number.NaN : (2 * shared) / (answer + truth), hitsPerExchange: answer / n };
  });
  return {
    exchanges: scores.length,
    f1Truth: mean((s) => s.f1Truth),
    densityOk: mean((s) => (s.densityOk ? 1 : 0)),
    medianDensityRatio: median,
    f1RepeatLast: mean((s) => s.f1RepeatLast),
    novelShare: mean((s) => s.novelShare),
    keepsBackbone: mean((s) => (s.keepsBackbone ? 1 : 0)),
    perDrum,
  };
}
