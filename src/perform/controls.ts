import type { MidiMessage } from '../midi/message.js';
import type { Config } from '../system/config.js';
import type { Control } from './engine.js';
import type { EngineState } from './engine-types.js';
import { DEFAULT_PARAMS, clampInt, temperatureFromCc, type PerformMode, type PerformParams } from './params.js';

type PerformConfig = Config['perform'];

/** What a CC can ask for: an engine control, or a tempo change (the clock's business). */
export type CcAction = { readonly kind: 'engine'; readonly control: Control } | { readonly kind: 'tempo'; readonly bpm: number };

const MODES: readonly PerformMode[] = ['answer', 'chain', 'loop'];

/**
 * Maps control changes to controls, as Magenta's MIDI interface does: buttons act on press
 * (value > 0), listen/response lengths take the value in bars, temperature follows
 * 0.1 + v/127 * 1.9, tempo is 40 + v BPM, model select and mode split the knob's travel evenly.
 * Returns undefined for a controller that is not mapped.
 */
export function ccToAction(message: MidiMessage, cfg: PerformConfig, models: readonly string[]): CcAction | undefined {
  if (message.type !== 'controlChange') return undefined;
  const { controller: c, value: v } = message;
  const map = cfg.cc;
  const engine = (control: Control): CcAction => ({ kind: 'engine', control });
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.min(list.length - 1, Math.floor((v * list.length) / 128))];
  switch (c) {
    case map.end_call:
      return v > 0 ? engine({ kind: 'endCall' }) : undefined;
    case map.panic:
      return v > 0 ? engine({ kind: 'panic' }) : undefined;
    case map.mutate:
      return v > 0 ? engine({ kind: 'mutate' }) : undefined;
    case map.loop:
      return engine({ kind: 'loopResponse', on: v >= 64 });
    case map.min_listen:
      return engine({ kind: 'set', params: { minCallBars: clampInt(v, 1, 64) } });
    case map.max_listen:
      return engine({ kind: 'set', params: { maxCallBars: clampInt(v, 1, 64) } });
    case map.response_length:
      return engine({ kind: 'set', params: { responseBars: clampInt(v, 0, 64) } });
    case map.temperature:
      return engine({ kind: 'voice', index: 0, settings: { temperature: temperatureFromCc(v) } });
    case map.tempo:
      return { kind: 'tempo', bpm: 40 + v };
    case map.model_select: {
      const model = pick(models);
      return model === undefined ? undefined : engine({ kind: 'voice', index: 0, settings: { model } });
    }
    case map.mode: {
      const mode = pick(MODES);
      return mode === undefined ? undefined : engine({ kind: 'set', params: { mode } });
    }
    default:
      return undefined;
  }
}

/** The engine state as the value reported on the state CC (Magenta reports it the same way). */
export function stateCcValue(state: EngineState): number {
  return state === 'idle' ? 0 : state === 'listening' ? 1 : 2;
}

/** Engine parameters from the `[perform]` config section. */
export function paramsFromConfig(cfg: PerformConfig, seed: number): PerformParams {
  return {
    ...DEFAULT_PARAMS,
    mode: cfg.mode,
    minCallBars: cfg.min_call_bars,
    maxCallBars: cfg.max_call_bars,
    silenceBars: cfg.silence_bars,
    responseBars: cfg.response_bars,
    safetyMs: cfg.safety_ms,
    carryState: cfg.carry_state,
    gateSteps: cfg.gate_steps,
    seed: cfg.seed ?? seed,
    loopGuard: { ...DEFAULT_PARAMS.loopGuard, minHitsPerBar: cfg.loop_min_hits_per_bar, maxHitsPerBar: cfg.loop_max_hits_per_bar, retries: cfg.loop_retries },
    voices: cfg.voices.map((v) => ({ name: v.name, model: v.model, role: v.role, channel: v.channel - 1, temperature: v.temperature, beamSize: v.beam })),
  };
}
