import { virtualScheduler } from '../clock/testing.js';
import { bpm, TICKS_PER_STEP, ticks } from '../clock/units.js';
import type { MidiMessage } from '../midi/message.js';
import { PerformanceEngine } from './engine.js';
import type { EngineState, Exchange, TimelineView } from './engine-types.js';
import type { GenerationRequest } from './generator-port.js';
import { DEFAULT_PARAMS, DEFAULT_VOICE, type PerformParams } from './params.js';
import { PerformanceSession } from './session.js';
import { FakeDrummer } from './testing.js';
import { steadyTimeline } from './timeline-view.js';

export interface SentMessage {
  readonly atMs: number;
  readonly voice: string;
  readonly message: MidiMessage;
}

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/**
 * A whole performance session on virtual time with test-double models: play hits at bar
 * positions, run the clock, read back what was sent, logged and recorded.
 */
export function performRig(
  opts: {
    params?: Partial<PerformParams>;
    tempo?: number;
    costMs?: (r: GenerationRequest) => number;
    view?: TimelineView;
  } = {},
) {
  const { clock, wakeup, scheduler } = virtualScheduler(0);
  const view: TimelineView = opts.view ?? steadyTimeline(bpm(opts.tempo ?? 120), 0);
  const params: PerformParams = { ...DEFAULT_PARAMS, ...opts.params };
  const models = new Map(params.voices.map((v) => [v.model, new FakeDrummer(v.model)] as const));
  const engine = new PerformanceEngine({ view, models, params });
  const sent: SentMessage[] = [];
  const exchanges: Exchange[] = [];
  const logs: LogLine[] = [];
  const states: EngineState[] = [];
  const logAt = (level: string) => (fields: object, msg: string) =>
    void logs.push({ level, msg, fields: fields as Record<string, unknown> });
  const session = new PerformanceSession({
    scheduler,
    view,
    engine,
    generators: models,
    send: (message, voice) => void sent.push({ atMs: clock.nowMs(), voice, message }),
    onExchange: (e) => void exchanges.push(e),
    onState: (s) => void states.push(s),
    log: { info: logAt('info'), warn: logAt('warn'), debug: logAt('debug') },
    ...(opts.costMs ? { generationCostMs: opts.costMs } : {}),
  });
  const stepMs = view.timeOfTick(ticks(TICKS_PER_STEP));
  const barMs = stepMs * view.stepsPerBar;
  /** Time of bar `bar`, step `step`, plus a human offset in ms. */
  const at = (bar: number, step = 0, offsetMs = 0): number => bar * barMs + step * stepMs + offsetMs;
  session.start();
  return {
    clock,
    scheduler,
    view,
    engine,
    session,
    models,
    sent,
    exchanges,
    logs,
    states,
    stepMs,
    barMs,
    at,
    /** Schedules a human hit. */
    hit(timeMs: number, pitch = 36, velocity = 100): void {
      scheduler.callAt(timeMs, () => session.hit(pitch, velocity, timeMs));
    },
    /** A bar of a simple human beat: kick 0/8, snare 4/12, hats on 8ths, a little early/late. */
    playBar(bar: number, velocity = 96): void {
      for (let s = 0; s < 16; s += 2) {
        const push = ((s * 7) % 5) - 2;
        this.hit(at(bar, s, push), 42, velocity - 30);
        if (s % 8 === 0) this.hit(at(bar, s, push), 36, velocity);
        if (s % 8 === 4) this.hit(at(bar, s, push + 3), 38, velocity + 10);
      }
    },
    control(timeMs: number, c: Parameters<PerformanceSession['control']>[0]): void {
      scheduler.callAt(timeMs, () => session.control(c));
    },
    /** Runs virtual time to `untilMs`, letting generations (promises) settle as it goes. */
    async run(untilMs: number): Promise<void> {
      while (clock.nowMs() < untilMs) {
        wakeup.advanceTo(Math.min(untilMs, clock.nowMs() + 5));
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
    },
    noteOns(voice?: string): SentMessage[] {
      return sent.filter(
        (s) => s.message.type === 'noteOn' && s.message.velocity > 0 && (voice === undefined || s.voice === voice),
      );
    },
  };
}

export const TWO_VOICES: PerformParams['voices'] = [
  { ...DEFAULT_VOICE, name: 'A', model: 'model-a', channel: 9 },
  { ...DEFAULT_VOICE, name: 'B', model: 'model-b', channel: 10 },
];
