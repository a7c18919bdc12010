import type { BoxEvent, BoxProblem } from '../box/bus-types.js';
import type { EngineState } from '../perform/engine-types.js';
import { blinkLit } from './blink-patterns.js';

/** What an LED shows. */
export type LedFunction = 'listening' | 'answering' | 'beat' | 'clock' | 'recording' | 'error' | 'learn';

export const LED_FUNCTIONS: readonly LedFunction[] = [
  'listening',
  'answering',
  'beat',
  'clock',
  'recording',
  'error',
  'learn',
];

export interface LedSpec {
  readonly id: string;
  readonly show: LedFunction;
  /** For `answering`: the voice (absent: any voice). */
  readonly voice?: string;
}

export interface LedTimings {
  /** How long the beat LED stays lit after each beat. */
  readonly beatFlashMs: number;
  /** How long an error's pattern shows after its last report; a warning's is a fifth of it. */
  readonly errorShowMs: number;
}

export const DEFAULT_LED_TIMINGS: LedTimings = { beatFlashMs: 60, errorShowMs: 60_000 };

/** Brightness 0..1. An on/off LED is lit at 0.5 and above, so dim states show only on PWM. */
export const IDLE_GLOW = 0.15;
// Lit on an on/off LED too: every beat blinks, the downbeat brighter on PWM.
const UPBEAT_LEVEL = 0.5;

interface Turn {
  readonly voice: string;
  readonly startBar: number;
  readonly bars: number;
}

/**
 * The LEDs' state, folded from bus events; `levels(now)` says how bright each LED is at a
 * moment. Pure: the surface feeds events (the beat at its scheduled time) and renders.
 */
export class LedState {
  #engine: EngineState = 'idle';
  #locked = false;
  #recording = false;
  #learning = false;
  #bar = 0;
  #lastBeat: { atMs: number; downbeat: boolean } | undefined;
  #turns: Turn[] = [];
  #lastGenerated: string | undefined;
  #problem: { problem: BoxProblem; sinceMs: number; untilMs: number } | undefined;

  constructor(
    private readonly specs: readonly LedSpec[],
    private readonly timings: LedTimings = DEFAULT_LED_TIMINGS,
  ) {}

  /** Folds one bus event in, at box time `nowMs`. Beats go through `beat` instead, at their own time. */
  event(e: BoxEvent, nowMs: number): void {
    switch (e.kind) {
      case 'engine':
        if (e.state === 'listening') this.#recording = true;
        if (e.state !== 'responding') this.#lastGenerated = undefined;
        this.#engine = e.state;
        break;
      case 'clock':
        this.#locked = e.clock.locked;
        break;
      case 'generated':
        this.#lastGenerated = e.voice;
        break;
      case 'exchange':
        this.#recording = false;
        this.#turns = e.exchange.turns.map((t) => ({ voice: t.voice, startBar: t.startBar, bars: t.bars }));
        break;
      case 'problem': {
        const show = e.problem.level === 'error' ? this.timings.errorShowMs : this.timings.errorShowMs / 5;
        // Timed from the problem itself, so one reported before the panel started shows too.
        const at = Math.min(nowMs, e.problem.atMs);
        const same = this.#problem?.problem.code === e.problem.code;
        this.#problem = {
          problem: e.problem,
          sinceMs: same && this.#problem ? this.#problem.sinceMs : at,
          untilMs: at + show,
        };
        break;
      }
      default:
        break;
    }
  }

  /** A beat, called at its scheduled time. */
  beat(bar: number, beat: number, atMs: number): void {
    this.#bar = bar;
    this.#lastBeat = { atMs, downbeat: beat === 0 };
  }

  setLearning(on: boolean): void {
    this.#learning = on;
  }

  /** The problem whose pattern shows at `nowMs`, if any. */
  problemAt(nowMs: number): BoxProblem | undefined {
    return this.#problem && nowMs < this.#problem.untilMs ? this.#problem.problem : undefined;
  }

  /** Brightness of every LED at `nowMs`. */
  levels(nowMs: number): Map<string, number> {
    return new Map(this.specs.map((s) => [s.id, this.#level(s, nowMs)]));
  }

  /** True while something blinks or glows for a time, so the surface keeps rendering on a timer. */
  animating(nowMs: number): boolean {
    return this.problemAt(nowMs) !== undefined || this.#learning;
  }

  #level(s: LedSpec, nowMs: number): number {
    switch (s.show) {
      case 'listening':
        return this.#engine === 'listening' ? 1 : this.#engine === 'idle' ? IDLE_GLOW : 0;
      case 'answering':
        return this.#answering(s.voice) ? 1 : 0;
      case 'beat': {
        const b = this.#lastBeat;
        if (!b || nowMs < b.atMs || nowMs - b.atMs >= this.timings.beatFlashMs) return 0;
        return b.downbeat ? 1 : UPBEAT_LEVEL;
      }
      case 'clock':
        return this.#locked ? 1 : 0;
      case 'recording':
        return this.#recording ? 1 : 0;
      case 'learn':
        return this.#learning ? (Math.floor(nowMs / 250) % 2 === 0 ? 1 : 0) : 0;
      case 'error': {
        const p = this.#problem;
        if (!p || nowMs >= p.untilMs) return 0;
        return blinkLit(p.problem.code, nowMs - p.sinceMs) ? (p.problem.level === 'error' ? 1 : 0.6) : 0;
      }
    }
  }

  #answering(voice: string | undefined): boolean {
    if (this.#engine !== 'responding') return false;
    const playing = this.#turns
      .filter((t) => this.#bar >= t.startBar && this.#bar < t.startBar + t.bars)
      .map((t) => t.voice);
    const current = playing.length > 0 ? playing : this.#lastGenerated === undefined ? [] : [this.#lastGenerated];
    return voice === undefined ? current.length > 0 : current.includes(voice);
  }
}
