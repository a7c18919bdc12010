import type { ParameterState } from '../control/parameter-store.js';
import { noEngineStats } from '../perform/engine-types.js';
import type { BoxEvent, BoxSnapshot, ClockStatus, TransportStatus } from './bus-types.js';

const MAX_PROBLEMS = 20;

/** What the bus shows before anything has happened: the fold's starting value. */
export function idleSnapshot(o: {
  readonly parameters: ParameterState;
  readonly models: readonly string[];
  readonly clock: ClockStatus;
  /** Default: playing, armed, nothing to undo (the box at boot). */
  readonly transport?: TransportStatus;
}): BoxSnapshot {
  return {
    parameters: o.parameters,
    engine: 'idle',
    stats: noEngineStats(),
    clock: o.clock,
    devices: [],
    models: o.models,
    call: [],
    lastExchange: undefined,
    generation: { lastMs: undefined, msPerStep: undefined },
    slips: 0,
    problems: [],
    demo: false,
    transport: o.transport ?? { playing: true, recordArmed: true, undoDepth: 0 },
  };
}

/**
 * The snapshot after one more event: the bus's state is the fold of its events, so a
 * subscriber that joins late (the page after a reload) sees exactly what one that watched
 * every event would have built. Pure.
 */
export function reduceSnapshot(s: BoxSnapshot, e: BoxEvent): BoxSnapshot {
  switch (e.kind) {
    case 'parameter': {
      const { param, voice, value } = e.change;
      const p = s.parameters;
      const parameters =
        voice === undefined
          ? { ...p, global: { ...p.global, [param]: value } }
          : {
              ...p,
              voices: p.voices.map((v) => (v.name === voice ? { ...v, values: { ...v.values, [param]: value } } : v)),
            };
      return { ...s, parameters };
    }
    case 'engine':
      return { ...s, engine: e.state, call: e.state === 'listening' ? s.call : [] };
    case 'hit':
      return { ...s, call: [...s.call, e.hit] };
    case 'exchange':
      return { ...s, lastExchange: e.exchange };
    case 'generated':
      return { ...s, generation: { lastMs: e.ms, msPerStep: e.steps > 0 ? e.ms / e.steps : s.generation.msPerStep } };
    case 'slip':
      return { ...s, slips: s.slips + 1 };
    case 'clock':
      return { ...s, clock: e.clock };
    case 'devices':
      return { ...s, devices: e.devices };
    case 'problem':
      return { ...s, problems: [...s.problems, e.problem].slice(-MAX_PROBLEMS) };
    case 'demo':
      return { ...s, demo: e.on };
    case 'transport':
      return { ...s, transport: e.transport };
    case 'beat':
    case 'command':
      return s;
  }
}
