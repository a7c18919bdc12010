import type { Milliseconds } from '../clock/units.js';
import { gridGroove, gridHitsOf, playFeel, type Groove } from '../groove/groove.js';
import { barTime } from './bars.js';
import type { EngineAction, RecordedTurn, TimelineView } from './engine-types.js';
import type { GenerationResult } from './generator-port.js';
import type { PerformParams, VoiceSettings } from './params.js';
import type { ModelInfo, Pending } from './response-pipeline-types.js';
import { barSpan, recordedNotes, scheduleHits, type Turn } from './turn.js';

/** A generated response laid on the timeline: the turn to play, its record, and how many bars it slipped. */
export interface PlacedResponse {
  readonly turn: Turn;
  readonly record: RecordedTurn;
  readonly slipped: number;
}

/** Where and how a response plays. */
export interface Placement {
  readonly pending: Pending;
  readonly result: GenerationResult;
  readonly voice: VoiceSettings;
  readonly model: ModelInfo;
  readonly params: PerformParams;
  readonly view: TimelineView;
  /** The groove used when the setting is 'call' (or 'learned' and the model learned none). */
  readonly defaultGroove: Groove;
  readonly tag: string;
  readonly finishedAtMs: Milliseconds;
}

/**
 * Places a generated response: on its target bar, or on the first bar line it can still make
 * (a whole-bar slip, never a late start); with the groove, swing and volume the settings ask for.
 */
export function placeResponse(o: Placement): PlacedResponse {
  const { pending, result, voice, model, params: p, view } = o;
  let startBar = pending.targetBar;
  while (barTime(startBar, view) - p.safetyMs < o.finishedAtMs) startBar++;
  const groove =
    p.groove === 'off' ? gridGroove : p.groove === 'learned' && model.groove ? model.groove : o.defaultGroove;
  const felt = playFeel(
    groove.apply(
      gridHitsOf(result.events, model.classPitches),
      pending.draft.feel,
      (x) => model.classOf(x),
      view.stepsPerBar,
    ),
    p,
  );
  const notes = scheduleHits(felt, startBar, view, p.gateSteps);
  const turn: Turn = {
    tag: o.tag,
    voice: voice.name,
    channel: voice.channel,
    startBar,
    bars: pending.bars,
    notes,
    ...barSpan(startBar, pending.bars, view),
  };
  const record: RecordedTurn = {
    voice: voice.name,
    model: model.name,
    startBar,
    bars: pending.bars,
    notes: recordedNotes(notes, p.gateSteps),
    events: result.events,
    temperature: pending.temperature,
    logLikelihood: result.logLikelihood,
    primerLogLikelihood: result.primerLogLikelihood,
    slippedBars: startBar - pending.targetBar,
  };
  return { turn, record, slipped: startBar - pending.targetBar };
}

/** The slip event and its warning, for a response that moved on by `bars`. */
export function slipActions(voice: string, bars: number, generationMs: number, slips: number): EngineAction[] {
  return [
    { kind: 'slip', voice, bars },
    {
      kind: 'log',
      level: 'warn',
      msg: 'response slipped',
      fields: { voice, bars, generationMs: Math.round(generationMs), slips },
    },
  ];
}
