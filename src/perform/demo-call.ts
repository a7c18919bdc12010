/**
 * The demo's calls, written for Antiphon (not taken from any dataset): two-bar phrases
 * with a drummer's feel, hats laid back a little, ghost notes soft, the fill rushing.
 * `offsetMs` is how far the hit is from its 16th (negative = ahead).
 */
export interface DemoHit {
  readonly bar: number;
  readonly step: number;
  readonly pitch: number;
  readonly velocity: number;
  readonly offsetMs: number;
}

const KICK = 36;
const SNARE = 38;
const HAT = 42;
const OPEN_HAT = 46;
const HIGH_TOM = 50;
const MID_TOM = 48;
const CRASH = 49;

function hats(bar: number, skip: readonly number[] = []): DemoHit[] {
  const out: DemoHit[] = [];
  for (let s = 0; s < 16; s += 2)
    if (!skip.includes(s))
      out.push({ bar, step: s, pitch: HAT, velocity: s % 4 === 0 ? 84 : 58, offsetMs: s % 4 === 0 ? 3 : 9 });
  return out;
}

/** A laid-back groove with a ghosted snare and a tom pickup into bar 2's end. */
export const DEMO_CALL_GROOVE: readonly DemoHit[] = [
  ...hats(0),
  { bar: 0, step: 0, pitch: KICK, velocity: 112, offsetMs: -2 },
  { bar: 0, step: 4, pitch: SNARE, velocity: 104, offsetMs: 6 },
  { bar: 0, step: 7, pitch: SNARE, velocity: 34, offsetMs: 4 },
  { bar: 0, step: 10, pitch: KICK, velocity: 92, offsetMs: -4 },
  { bar: 0, step: 12, pitch: SNARE, velocity: 108, offsetMs: 7 },
  { bar: 0, step: 15, pitch: SNARE, velocity: 30, offsetMs: 2 },
  ...hats(1, [14]),
  { bar: 1, step: 0, pitch: KICK, velocity: 110, offsetMs: -1 },
  { bar: 1, step: 3, pitch: KICK, velocity: 76, offsetMs: -3 },
  { bar: 1, step: 4, pitch: SNARE, velocity: 102, offsetMs: 5 },
  { bar: 1, step: 8, pitch: KICK, velocity: 96, offsetMs: -2 },
  { bar: 1, step: 12, pitch: HIGH_TOM, velocity: 98, offsetMs: -5 },
  { bar: 1, step: 13, pitch: HIGH_TOM, velocity: 88, offsetMs: -6 },
  { bar: 1, step: 14, pitch: MID_TOM, velocity: 100, offsetMs: -7 },
  { bar: 1, step: 14, pitch: OPEN_HAT, velocity: 80, offsetMs: -4 },
  { bar: 1, step: 15, pitch: MID_TOM, velocity: 110, offsetMs: -8 },
];

/** A busier, pushing phrase: four-on-the-floor with off-beat open hats and a crash. */
export const DEMO_CALL_DRIVE: readonly DemoHit[] = [
  { bar: 0, step: 0, pitch: CRASH, velocity: 116, offsetMs: -3 },
  ...[0, 4, 8, 12].map((step) => ({ bar: 0, step, pitch: KICK, velocity: step === 0 ? 118 : 100, offsetMs: -3 })),
  ...[4, 12].map((step) => ({ bar: 0, step, pitch: SNARE, velocity: 106, offsetMs: 1 })),
  ...[2, 6, 10, 14].map((step) => ({ bar: 0, step, pitch: OPEN_HAT, velocity: 72, offsetMs: -1 })),
  ...[0, 4, 8, 12].map((step) => ({ bar: 1, step, pitch: KICK, velocity: step === 0 ? 114 : 98, offsetMs: -2 })),
  ...[4, 12].map((step) => ({ bar: 1, step, pitch: SNARE, velocity: 104, offsetMs: 2 })),
  ...[2, 6, 10].map((step) => ({ bar: 1, step, pitch: OPEN_HAT, velocity: 70, offsetMs: 0 })),
  { bar: 1, step: 14, pitch: SNARE, velocity: 92, offsetMs: -4 },
  { bar: 1, step: 15, pitch: SNARE, velocity: 118, offsetMs: -6 },
];

export const DEMO_CALLS: readonly (readonly DemoHit[])[] = [DEMO_CALL_GROOVE, DEMO_CALL_DRIVE];
