import type { BoxEvent, BoxSnapshot } from './bus-types.js';

const MAX_PROBLEMS = 20;

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
