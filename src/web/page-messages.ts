import type {
  BoxEvent,
  BoxProblem,
  BoxSnapshot,
  ClockStatus,
  DeviceStatus,
  TransportStatus,
} from '../box/bus-types.js';
import { TICKS_PER_STEP } from '../clock/units.js';
import type { CommandSource } from '../control/commands.js';
import type { EngineState, Exchange, RecordedNote } from '../perform/engine-types.js';
import type { ParameterValue } from '../control/parameters.js';
import { drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import { describeRegistry, type PageParameter } from './page-registry.js';

/** One hit in the grid: a 16th counted from the song's start, a drum row, how hard. */
export interface PageHit {
  readonly step: number;
  readonly drum: number;
  readonly velocity: number;
}

export interface PageLikelihood {
  readonly total: number;
  readonly perStep: readonly number[];
}

export interface PageSection {
  readonly startBar: number;
  readonly bars: number;
  readonly hits: readonly PageHit[];
}

export interface PageTurn extends PageSection {
  readonly voice: string;
  readonly model: string;
  readonly temperature: number;
  readonly logLikelihood: PageLikelihood;
  /** How likely the voice found the call it answered: the call's own figure. */
  readonly primerLogLikelihood: PageLikelihood;
}

/** An exchange as the page draws it: plain JSON, steps instead of ticks, drums instead of pitches. */
export interface PageExchange {
  readonly id: number;
  readonly mode: string;
  readonly tempo: number;
  readonly stepsPerBar: number;
  readonly call: PageSection & { readonly source: string; readonly endReason: string };
  readonly turns: readonly PageTurn[];
}

/** Everything the page shows, as one value: sent first on every connection. The bus's snapshot, with the exchange in the page's shape and without the call in progress. */
export type PageState = Omit<BoxSnapshot, 'call' | 'lastExchange'> & {
  readonly lastExchange: PageExchange | undefined;
};

/** What the live stream at /events carries: one JSON object per SSE message, told apart by `kind`. */
export type PageMessage =
  | {
      readonly kind: 'hello';
      readonly writable: boolean;
      readonly drums: readonly string[];
      readonly registry: readonly PageParameter[];
      readonly state: PageState;
    }
  | {
      readonly kind: 'parameter';
      readonly param: string;
      readonly voice?: string;
      readonly value: ParameterValue;
      readonly source: CommandSource;
    }
  | { readonly kind: 'engine'; readonly state: EngineState }
  | { readonly kind: 'hit'; readonly hit: PageHit }
  | { readonly kind: 'exchange'; readonly exchange: PageExchange }
  | { readonly kind: 'beat'; readonly bar: number; readonly beat: number; readonly step: number }
  | { readonly kind: 'clock'; readonly clock: ClockStatus }
  | { readonly kind: 'devices'; readonly devices: readonly DeviceStatus[] }
  | { readonly kind: 'problem'; readonly problem: BoxProblem }
  | { readonly kind: 'demo'; readonly on: boolean }
  | { readonly kind: 'transport'; readonly transport: TransportStatus }
  | {
      readonly kind: 'generated';
      readonly voice: string;
      readonly model: string;
      readonly steps: number;
      readonly ms: number;
    }
  | { readonly kind: 'slip'; readonly voice: string; readonly bars: number };

/** Row names of the grid, kick at the bottom of the kit's nine classes. */
export const DRUM_ROWS = [
  'kick',
  'snare',
  'hat',
  'open hat',
  'low tom',
  'mid tom',
  'high tom',
  'crash',
  'ride',
] as const;

const CLASSIC = drumPitchMap('classic');
const drumOf = (pitch: number): number => CLASSIC.classOfPitch[pitch] ?? -1;

function hitsOf(notes: readonly RecordedNote[]): PageHit[] {
  const hits: PageHit[] = [];
  for (const n of notes) {
    const drum = drumOf(n.pitch);
    if (drum >= 0) hits.push({ step: Math.round(n.tick / TICKS_PER_STEP), drum, velocity: n.velocity });
  }
  return hits;
}

const likelihood = (l: { total: number; perStep: readonly number[] }): PageLikelihood => ({
  total: l.total,
  perStep: [...l.perStep],
});

export function pageExchange(x: Exchange): PageExchange {
  return {
    id: x.id,
    mode: x.mode,
    tempo: x.tempo,
    stepsPerBar: x.stepsPerBar,
    call: {
      source: x.call.source,
      endReason: x.call.endReason,
      startBar: x.call.startBar,
      bars: x.call.bars,
      hits: hitsOf(x.call.notes),
    },
    turns: x.turns.map((t) => ({
      voice: t.voice,
      model: t.model,
      temperature: t.temperature,
      startBar: t.startBar,
      bars: t.bars,
      hits: hitsOf(t.notes),
      logLikelihood: likelihood(t.logLikelihood),
      primerLogLikelihood: likelihood(t.primerLogLikelihood),
    })),
  };
}

/**
 * Turns bus events into page messages. Pure, apart from remembering the last beat, so a
 * human hit (stamped in the box's ms) can be placed on the grid's 16ths as it arrives.
 */
export class PageFeed {
  #beat: { step: number; atMs: number } | undefined;
  #tempo: number;
  #stepsPerBar = 16;

  constructor(snapshot: BoxSnapshot) {
    this.#tempo = snapshot.clock.tempo;
    if (snapshot.lastExchange) this.#stepsPerBar = snapshot.lastExchange.stepsPerBar;
  }

  hello(s: BoxSnapshot, writable: boolean): PageMessage {
    const state: PageState = {
      parameters: s.parameters,
      engine: s.engine,
      stats: s.stats,
      clock: s.clock,
      devices: s.devices,
      models: s.models,
      problems: s.problems,
      demo: s.demo,
      transport: s.transport,
      slips: s.slips,
      generation: s.generation,
      lastExchange: s.lastExchange ? pageExchange(s.lastExchange) : undefined,
    };
    return { kind: 'hello', writable, drums: DRUM_ROWS, registry: describeRegistry(s.models), state };
  }

  message(e: BoxEvent): PageMessage | undefined {
    switch (e.kind) {
      case 'parameter':
        return {
          kind: 'parameter',
          param: e.change.param,
          ...(e.change.voice === undefined ? {} : { voice: e.change.voice }),
          value: e.change.value,
          source: e.source,
        };
      case 'engine':
        return { kind: 'engine', state: e.state };
      case 'hit': {
        const hit = this.#placeHit(e.hit.pitch, e.hit.velocity, e.hit.atMs);
        return hit && { kind: 'hit', hit };
      }
      case 'exchange':
        this.#stepsPerBar = e.exchange.stepsPerBar;
        return { kind: 'exchange', exchange: pageExchange(e.exchange) };
      case 'beat': {
        const step = (e.bar * (this.#stepsPerBar / 4) + e.beat) * 4;
        this.#beat = { step, atMs: e.atMs };
        return { kind: 'beat', bar: e.bar, beat: e.beat, step };
      }
      case 'clock':
        this.#tempo = e.clock.tempo;
        return { kind: 'clock', clock: e.clock };
      case 'devices':
        return { kind: 'devices', devices: e.devices };
      case 'problem':
        return { kind: 'problem', problem: e.problem };
      case 'demo':
        return { kind: 'demo', on: e.on };
      case 'transport':
        return { kind: 'transport', transport: e.transport };
      case 'generated':
        return { kind: 'generated', voice: e.voice, model: e.model, steps: e.steps, ms: e.ms };
      case 'slip':
        return { kind: 'slip', voice: e.voice, bars: e.bars };
      case 'command':
        return undefined;
    }
  }

  /** The 16th a hit falls on, from the last beat and the tempo; undefined before the first beat. */
  #placeHit(pitch: number, velocity: number, atMs: number): PageHit | undefined {
    const drum = drumOf(pitch);
    if (!this.#beat || drum < 0 || this.#tempo <= 0) return undefined;
    const msPerStep = 60_000 / this.#tempo / 4;
    return { step: Math.round(this.#beat.step + (atMs - this.#beat.atMs) / msPerStep), drum, velocity };
  }
}
