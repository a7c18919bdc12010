import { describe, expect, it } from 'vitest';
import {
  densityWithin,
  hitF1,
  keepsBackbone,
  novelShare,
  repeatBar,
  scoreExchange,
  summarize,
} from './answer-quality.js';

const K = 1; // kick
const S = 2; // snare
const H = 4; // closed hat
const O = 8; // open hat

/** A bar from a 16-character pattern per drum: x = hit. */
function bar(rows: Partial<Record<'k' | 's' | 'h' | 'o', string>>): number[] {
  const out = new Array<number>(16).fill(0);
  const bits = { k: K, s: S, h: H, o: O };
  for (const [drum, pattern] of Object.entries(rows) as ['k' | 's' | 'h' | 'o', string][]) {
    [...pattern].forEach((ch, i) => {
      if (ch === 'x') out[i] = (out[i] ?? 0) | bits[drum];
    });
  }
  return out;
}
const events = (...bars: number[][]): Uint16Array => Uint16Array.from(bars.flat());

const ROCK = bar({ k: 'x.......x.......', s: '....x.......x...', h: 'x.x.x.x.x.x.x.x.' }); // 12 hits
const ROCK_FILL = bar({ k: 'x.......x.......', s: '....x.......x.xx', h: 'x.x.x.x.x.x.x...' }); // 13 hits
const SPARSE = bar({ k: 'x.......x.......', s: '....x.......x...' }); // 4 hits
const KICK_ON_2 = bar({ k: 'x...x...x.......', s: '............x...', h: 'x.x.x.x.x.x.x.x.' });

describe('answer quality metrics', () => {
  it('hit F1 counts (step, drum) pairs: 2|A∩B| / (|A| + |B|)', () => {
    expect(hitF1(events(ROCK), events(ROCK))).toBe(1);
    // ROCK vs ROCK_FILL: shared 11 (all but the hat on 14), sizes 12 + 13
    expect(hitF1(events(ROCK), events(ROCK_FILL))).toBeCloseTo(22 / 25, 12);
    // ROCK vs SPARSE: shared 4, sizes 12 + 4
    expect(hitF1(events(ROCK), events(SPARSE))).toBeCloseTo(8 / 16, 12);
    expect(hitF1(new Uint16Array(16), new Uint16Array(16))).toBe(1);
    expect(hitF1(events(ROCK), new Uint16Array(16))).toBe(0);
  });

  it('density is within ±30% of the call per step, bounds included', () => {
    const call = events(ROCK, ROCK); // 24 hits
    expect(densityWithin(events(SPARSE, ROCK), call)).toBe(false); // 16 hits: -33%
    // 24 * 1.3 = 31.2: 31 hits is inside, 32 outside; 24 * 0.7 = 16.8: 17 inside
    const withExtra = (n: number): Uint16Array => {
      const x = events(ROCK, ROCK);
      for (let i = 0, added = 0; added < n; i++)
        if (!((x[i] ?? 0) & O)) {
          x[i] = (x[i] ?? 0) | O;
          added++;
        }
      return x;
    };
    expect(densityWithin(withExtra(7), call)).toBe(true);
    expect(densityWithin(withExtra(8), call)).toBe(false);
    // a 1-bar answer is compared per step: 12 hits in 16 steps is the 2-bar call's rate
    expect(densityWithin(events(ROCK), call)).toBe(true);
  });

  it("novel share is the fraction of the answer's hits the copy does not play", () => {
    expect(novelShare(events(ROCK_FILL), events(ROCK))).toBeCloseTo(2 / 13, 12);
    expect(novelShare(events(ROCK), events(ROCK))).toBe(0);
    expect(novelShare(new Uint16Array(16), events(ROCK))).toBe(0);
  });

  it('keeps the backbone when kick and snare on the quarter notes match what the call always and ever plays there', () => {
    const call = events(ROCK, ROCK);
    expect(keepsBackbone(events(ROCK_FILL, ROCK), call)).toBe(true); // the fill is off the beats
    expect(keepsBackbone(events(ROCK, KICK_ON_2), call)).toBe(false); // kick on beat 2, snare on 2 gone
    expect(keepsBackbone(events(ROCK, bar({ h: 'x.x.x.x.x.x.x.x.' })), call)).toBe(false); // backbone dropped
    // a call that varies: snare on beat 2 only in its first bar, so it may come or go
    const varied = events(ROCK, bar({ k: 'x.......x.......', s: '............x...' }));
    expect(keepsBackbone(events(ROCK, bar({ k: 'x.......x.......', s: '............x...' })), varied)).toBe(true);
    expect(keepsBackbone(events(KICK_ON_2, ROCK), varied)).toBe(false);
  });

  it('scores an exchange and summarises means per exchange and per-drum F1 pooled over hits', () => {
    const call = events(ROCK, ROCK);
    const truth = events(ROCK, ROCK_FILL);
    const a = scoreExchange(events(ROCK, ROCK), call, truth);
    expect(a.f1Truth).toBeCloseTo(46 / 49, 12);
    expect(a.f1RepeatLast).toBe(1);
    expect(a.novelShare).toBe(0);
    expect(a.densityOk).toBe(true);
    expect(a.keepsBackbone).toBe(true);
    expect(a.perDrum[1]).toEqual({ shared: 4, answer: 4, truth: 6 });
    const b = scoreExchange(events(SPARSE, SPARSE), call, truth);
    expect(b.f1Truth).toBeCloseTo(16 / 33, 12);
    expect(b.densityRatio).toBeCloseTo(8 / 24, 12);
    expect(b.densityOk).toBe(false);
    const s = summarize([a, b]);
    expect(s.f1Truth).toBeCloseTo((46 / 49 + 16 / 33) / 2, 12);
    expect(s.densityOk).toBe(0.5);
    expect(s.medianDensityRatio).toBeCloseTo((1 + 8 / 24) / 2, 12);
    expect(s.keepsBackbone).toBe(1);
    // snare: shared 4 + 4, answer 4 + 4, truth 6 + 6 -> 16 / 20; hat: shared 15 + 0, answer 16 + 0, truth 15 + 15
    expect(s.perDrum[1]?.f1).toBeCloseTo(16 / 20, 12);
    expect(s.perDrum[2]?.f1).toBeCloseTo(30 / 46, 12);
    expect(s.perDrum[2]?.hitsPerExchange).toBe(8);
    expect(s.perDrum[8]?.f1).toBeNaN(); // no ride in answer or truth
  });

  it('repeats a bar', () => {
    expect([...repeatBar(events(SPARSE, ROCK), 1, 2)]).toEqual([...ROCK, ...ROCK]);
  });
});
