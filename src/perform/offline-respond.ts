import { virtualScheduler } from '../clock/virtual-scheduler.js';
import { checkedBpm } from '../clock/units.js';
import type { NoteSequence } from '../music/note-sequence.js';
import { PerformanceEngine } from './engine.js';
import type { Exchange } from './engine-types.js';
import type { ResponseGenerator } from './generator-port.js';
import type { Groove } from '../groove/groove.js';
import { DEFAULT_PARAMS, DEFAULT_VOICE, type PerformParams } from './params.js';
import { PerformanceSession, type PerformLog } from './session.js';
import { steadyTimeline } from './timeline-view.js';

export interface OfflineOptions {
  readonly temperature: number;
  readonly beamSize: number;
  readonly seed: number;
  /** Response length in bars; 0 = the call's length. */
  readonly bars: number;
  readonly groove?: Groove;
  readonly log: PerformLog;
}

export class EmptyCall extends Error {
  override readonly name = 'EmptyCall';
  constructor(readonly place: string) {
    super(`${place}: the call has no notes to answer`);
  }
}

/**
 * Answers a recorded call exactly as the box would on stage: the call is played into the
 * same engine on a virtual clock at the file's (first) tempo, ended with the end-call
 * control after its last note, and the response is taken from the exchange it records.
 */
export async function respondOffline(
  call: NoteSequence,
  generator: ResponseGenerator,
  opts: OfflineOptions,
  place = 'call',
): Promise<Exchange> {
  if (call.notes.length === 0) throw new EmptyCall(place);
  const tempo = checkedBpm(call.tempos[0]?.qpm ?? 120, `${place}: tempo`);
  const { clock, wakeup, scheduler } = virtualScheduler(0);
  const barMs = (4 * 60_000) / tempo;
  // The file's time 0 lands on bar 1, so a first hit a hair early still has a bar to fall in.
  const view = steadyTimeline(tempo, 0);
  const voice = { ...DEFAULT_VOICE, model: generator.name, temperature: opts.temperature, beamSize: opts.beamSize };
  const params: PerformParams = {
    ...DEFAULT_PARAMS,
    maxCallBars: 64,
    silenceBars: 64,
    responseBars: opts.bars,
    seed: opts.seed,
    voices: [voice],
    loopResponse: false,
  };
  const models = new Map([
    [
      generator.name,
      {
        name: generator.name,
        classOf: (p: number) => generator.classOf(p),
        classPitches: generator.classPitches,
        ...(opts.groove ? { groove: opts.groove } : {}),
      },
    ],
  ]);
  const engine = new PerformanceEngine({ view, models, params });
  let exchange: Exchange | undefined;
  const session = new PerformanceSession({
    scheduler,
    view,
    engine,
    generators: new Map([[generator.name, generator]]),
    send: () => undefined,
    onExchange: (x) => void (exchange ??= x),
    log: opts.log,
  });
  session.start();
  let last = 0;
  for (const n of call.notes) {
    const at = barMs + n.startSec * 1000;
    last = Math.max(last, at);
    scheduler.callAt(at, () => session.hit(n.pitch, n.velocity, at));
  }
  scheduler.callAt(last + 1, () => session.control({ kind: 'endCall' }));
  const limit = last + barMs * (70 + Math.max(1, opts.bars));
  while (exchange === undefined && clock.nowMs() < limit) {
    wakeup.advanceTo(clock.nowMs() + 10);
    for (let i = 0; i < 4; i++) await Promise.resolve();
  }
  session.stop();
  if (!exchange) throw new EmptyCall(place);
  return exchange;
}
