import type { BoxSnapshot } from '../box/bus-types.js';
import { ticks } from '../clock/units.js';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { Exchange, RecordedNote } from '../perform/engine-types.js';
import type { PageExchange, PageHit, PageState } from '../web/page-messages.js';

const CLASSIC = drumPitchMap('classic');

/** A page state or message that is not what a running box's `/state` sends. */
export class PageStateError extends Error {
  override readonly name = 'PageStateError';
}

const notesOf = (hits: readonly PageHit[]): RecordedNote[] =>
  hits.map((h) => ({
    pitch: CLASSIC.classes[h.drum]?.[0] ?? 36,
    velocity: h.velocity,
    tick: ticks(h.step * 6),
    durationTicks: ticks(3),
  }));

function exchangeOf(x: PageExchange): Exchange {
  const events = (bars: number): Uint16Array => new Uint16Array(bars * x.stepsPerBar);
  return {
    id: x.id,
    mode: x.mode,
    tempo: x.tempo as Exchange['tempo'],
    stepsPerBar: x.stepsPerBar,
    call: {
      source: x.call.source as Exchange['call']['source'],
      endReason: x.call.endReason as Exchange['call']['endReason'],
      startBar: x.call.startBar,
      bars: x.call.bars,
      notes: notesOf(x.call.hits),
      events: events(x.call.bars),
    },
    turns: x.turns.map((t) => ({
      voice: t.voice,
      model: t.model,
      temperature: t.temperature,
      startBar: t.startBar,
      bars: t.bars,
      notes: notesOf(t.hits),
      events: events(t.bars),
      logLikelihood: t.logLikelihood,
      primerLogLikelihood: t.primerLogLikelihood,
      slippedBars: 0,
    })),
  };
}

/**
 * The box snapshot inside a running box's `/state` answer (the web page's hello): what
 * `antiphon push2 snapshot --from URL` draws. Drums come back as each class's first pitch.
 */
export function snapshotFromPageHello(json: unknown): BoxSnapshot {
  const hello = json as { kind?: unknown; state?: PageState } | null;
  if (!hello || hello.kind !== 'hello' || typeof hello.state !== 'object')
    throw new PageStateError(
      `expected the box's /state answer ({"kind":"hello",...}), got ${JSON.stringify(json).slice(0, 80)}`,
    );
  const s = hello.state;
  if (!s.parameters?.voices || !s.clock) throw new PageStateError('the /state answer has no parameters or clock');
  return {
    parameters: s.parameters,
    engine: s.engine,
    stats: s.stats,
    clock: s.clock,
    devices: s.devices ?? [],
    models: s.models ?? [],
    call: [],
    lastExchange: s.lastExchange ? exchangeOf(s.lastExchange) : undefined,
    generation: s.generation ?? { lastMs: undefined, msPerStep: undefined },
    slips: s.slips ?? 0,
    problems: s.problems ?? [],
    demo: s.demo ?? false,
    // A box from before the transport buttons plays, records, and has no undo.
    transport: s.transport ?? { playing: true, recordArmed: true, undoDepth: 0 },
  };
}
