import type { Milliseconds } from '../clock/units.js';
import type { PlacedHit } from './call-capture.js';
import type { EngineStats, Exchange, RecordedTurn, TimelineView } from './engine-types.js';
import type { ResponseGenerator } from './generator-port.js';
import type { Groove } from '../groove/groove.js';
import type { PerformParams } from './params.js';

/** What the engine needs to know about a model (the generator itself lives in the shell). */
export type ModelInfo = Pick<ResponseGenerator, 'name' | 'classOf' | 'classPitches'> & {
  /** The feel learned with this model (used while `groove` is 'learned'); absent = the pipeline's default groove. */
  readonly groove?: Groove;
};

/** Why a generation was asked for: answering the human, the chain's second voice, the loop's next turn, a mutation. */
export type Purpose = 'human' | 'chain' | 'loop' | 'mutate';

/** An exchange being assembled; emitted when its last turn is known. */
export interface ExchangeDraft {
  readonly id: number;
  readonly call: Exchange['call'];
  /** Hits the groove reads the feel from (the human's, for every turn of the exchange). */
  readonly feel: readonly PlacedHit[];
  readonly turns: RecordedTurn[];
  /** A silence-ended call is a guess until its response starts: a late hit withdraws it. */
  readonly speculative: boolean;
  firstTurnStartMs: Milliseconds | undefined;
}

/** A generation in flight: what it answers, where it goes, and how many times it was retried. */
export interface Pending {
  readonly id: number;
  readonly voiceIndex: number;
  readonly targetBar: number;
  readonly bars: number;
  readonly primer: Uint16Array;
  readonly temperature: number;
  readonly attempt: number;
  readonly reseeded: boolean;
  readonly purpose: Purpose;
  readonly draft: ExchangeDraft;
}

/** What a caller asks for; the pipeline fills in the id, and the voice's temperature unless given. */
export type RequestSpec = Pick<Pending, 'voiceIndex' | 'targetBar' | 'bars' | 'primer' | 'purpose' | 'draft'> &
  Partial<Pick<Pending, 'attempt' | 'reseeded' | 'temperature'>>;

/** What the pipeline reads from the engine around it. */
export interface PipelineContext {
  readonly params: () => PerformParams;
  readonly view: TimelineView;
  readonly models: ReadonlyMap<string, ModelInfo>;
  readonly groove: Groove;
  readonly stats: EngineStats;
  /** The human's latest call, the loop's way back from a death spiral. */
  readonly humanCall: () => { events: Uint16Array; feel: readonly PlacedHit[] } | undefined;
}
