import type { ClockMode, ClockSource } from '../clock/clock-service.js';
import type { CommandSource, BoxCommand } from '../control/commands.js';
import type { ParameterChange, ParameterState } from '../control/parameter-store.js';
import type { Role } from '../devices/roles.js';
import type { EngineState, EngineStats, Exchange } from '../perform/engine-types.js';

/** Which clock the box plays to, and whether a followed clock is locked. */
export interface ClockStatus {
  readonly source: ClockSource;
  readonly mode: ClockMode;
  readonly tempo: number;
  /** True while the box follows another clock (MIDI or Link) rather than leading. */
  readonly locked: boolean;
  /** The Link session, while `[link]` is enabled and the session opened. */
  readonly link?: LinkStatus;
}

/** The Ableton Link session as the box sees it (tempo and play state are the session's). */
export interface LinkStatus {
  /** False once the session failed: the box then keeps time on its own clock. */
  readonly enabled: boolean;
  readonly peers: number;
  readonly tempo: number;
  readonly playing: boolean;
}

/** The transport buttons' state (Push 2's Play, Record and Undo show it). */
export interface TransportStatus {
  /** False after a stop: nothing plays, hits are not listened to, and (as master) the clock is stopped. */
  readonly playing: boolean;
  /** True while exchanges are written to disk. */
  readonly recordArmed: boolean;
  /** How many responses undo can go back to (0: none). */
  readonly undoDepth: number;
}

/** A connected device as a display shows it. */
export interface DeviceStatus {
  readonly identity: string;
  readonly name: string;
  readonly roles: readonly Role[];
}

/** A human hit, as it arrived (scheduler time). */
export interface HitEvent {
  readonly pitch: number;
  readonly velocity: number;
  readonly atMs: number;
}

/** Something wrong that the musician should see: a model that failed, a bad config value, a full disk. */
export interface BoxProblem {
  readonly level: 'warning' | 'error';
  /** Stable and typed: what the panel's error pattern and the page key on. */
  readonly code: 'config' | 'model' | 'device' | 'recording' | 'generation' | 'settings' | 'command';
  readonly message: string;
  readonly atMs: number;
}

/** Everything a display, LED or page may react to. Each is emitted after the state it describes. */
export type BoxEvent =
  | { readonly kind: 'parameter'; readonly change: ParameterChange; readonly source: CommandSource }
  | { readonly kind: 'engine'; readonly state: EngineState }
  | { readonly kind: 'hit'; readonly hit: HitEvent }
  | { readonly kind: 'exchange'; readonly exchange: Exchange }
  | {
      readonly kind: 'generated';
      readonly voice: string;
      readonly model: string;
      readonly steps: number;
      readonly ms: number;
    }
  | { readonly kind: 'slip'; readonly voice: string; readonly bars: number }
  | { readonly kind: 'beat'; readonly bar: number; readonly beat: number; readonly atMs: number }
  | { readonly kind: 'clock'; readonly clock: ClockStatus }
  | { readonly kind: 'devices'; readonly devices: readonly DeviceStatus[] }
  | { readonly kind: 'problem'; readonly problem: BoxProblem }
  | { readonly kind: 'demo'; readonly on: boolean }
  | { readonly kind: 'transport'; readonly transport: TransportStatus }
  | { readonly kind: 'command'; readonly command: BoxCommand };

/** The whole visible state of the box, as one value. */
export interface BoxSnapshot {
  readonly parameters: ParameterState;
  readonly engine: EngineState;
  readonly stats: EngineStats;
  readonly clock: ClockStatus;
  readonly devices: readonly DeviceStatus[];
  readonly models: readonly string[];
  /** The human's hits since the current call began (empty while idle). */
  readonly call: readonly HitEvent[];
  readonly lastExchange: Exchange | undefined;
  readonly generation: { readonly lastMs: number | undefined; readonly msPerStep: number | undefined };
  readonly slips: number;
  /** The latest problems, newest last (a bounded list). */
  readonly problems: readonly BoxProblem[];
  readonly demo: boolean;
  readonly transport: TransportStatus;
}

/**
 * How everything outside the core talks to the box: commands in, state out. Producers
 * (CC, config, panel, Push 2, the page) dispatch; displays, LEDs, the recorder and the log
 * subscribe or read a snapshot. Nothing reaches into the engine.
 */
export interface BoxBus {
  /** Applies a command; a bad one is reported as a `problem` event, never thrown. */
  dispatch(command: BoxCommand): void;
  snapshot(): BoxSnapshot;
  /** Calls `listener` for every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: BoxEvent) => void): () => void;
}
