import type { ParameterChange, ParameterState, ParameterValues } from '../control/parameter-store.js';
import type { Control } from '../perform/engine.js';
import type { GrooveSetting } from '../groove/groove.js';
import { DEFAULT_PARAMS, type PerformMode, type PerformParams, type VoiceSettings } from '../perform/params.js';

const num = (v: ParameterValues, k: string): number => Number(v[k]);

/** A voice's registry values as the engine's settings (channels are 1-based on gear, 0-based on the wire). */
export function voiceSettings(name: string, v: ParameterValues): VoiceSettings {
  return {
    name,
    model: String(v['model']),
    channel: num(v, 'channel') - 1,
    temperature: num(v, 'temperature'),
    topK: num(v, 'top_k'),
    topP: num(v, 'top_p'),
    beamSize: num(v, 'beam'),
    profileWeight: num(v, 'profile'),
    profileFloor: num(v, 'profile_floor'),
    densityWeight: num(v, 'density'),
  };
}

/** The engine's parameters from the registry's values; the rest are the engine's own defaults. */
export function performParams(state: ParameterState, seed: number): PerformParams {
  const g = state.global;
  return {
    ...DEFAULT_PARAMS,
    mode: g['mode'] as PerformMode,
    minCallBars: num(g, 'min_call_bars'),
    maxCallBars: num(g, 'max_call_bars'),
    silenceBars: num(g, 'silence_bars'),
    responseBars: num(g, 'response_bars'),
    loopResponse: g['loop_response'] === true,
    carryState: g['carry_state'] === true,
    groove: g['groove'] as GrooveSetting,
    swing: num(g, 'swing'),
    volume: num(g, 'volume'),
    safetyMs: num(g, 'safety_ms'),
    gateSteps: num(g, 'gate_steps'),
    seed,
    loopGuard: {
      ...DEFAULT_PARAMS.loopGuard,
      minHitsPerBar: num(g, 'loop_min_hits_per_bar'),
      maxHitsPerBar: num(g, 'loop_max_hits_per_bar'),
      retries: num(g, 'loop_retries'),
    },
    voices: state.voices.map((v) => voiceSettings(v.name, v.values)),
  };
}

/** Registry names of the engine's global parameters. */
const GLOBAL_FIELD: Readonly<Record<string, keyof PerformParams>> = {
  mode: 'mode',
  min_call_bars: 'minCallBars',
  max_call_bars: 'maxCallBars',
  silence_bars: 'silenceBars',
  response_bars: 'responseBars',
  carry_state: 'carryState',
  groove: 'groove',
  swing: 'swing',
  volume: 'volume',
  safety_ms: 'safetyMs',
  gate_steps: 'gateSteps',
};
const GUARD_FIELD: Readonly<Record<string, keyof PerformParams['loopGuard']>> = {
  loop_min_hits_per_bar: 'minHitsPerBar',
  loop_max_hits_per_bar: 'maxHitsPerBar',
  loop_retries: 'retries',
};

/**
 * The engine control a registry change asks for; undefined for the parameters that are not
 * the engine's (tempo is the clock's). `loop_response` is a control of its own because
 * switching it starts or stops the repeats.
 */
export function engineControl(change: ParameterChange, params: PerformParams): Control | undefined {
  const { param, value, voice } = change;
  if (voice !== undefined) {
    const current = params.voices.find((v) => v.name === voice);
    if (!current) return undefined;
    const next = voiceSettings(voice, { ...voiceValues(current), [param]: value });
    return { kind: 'voice', voice, settings: next };
  }
  if (param === 'loop_response') return { kind: 'loopResponse', on: value === true };
  const field = GLOBAL_FIELD[param];
  if (field) return { kind: 'set', params: { [field]: value } };
  const guard = GUARD_FIELD[param];
  if (guard) return { kind: 'set', params: { loopGuard: { ...params.loopGuard, [guard]: value } } };
  return undefined;
}

/** The inverse of voiceSettings, so one changed value can be merged. */
function voiceValues(v: VoiceSettings): ParameterValues {
  return {
    model: v.model,
    channel: v.channel + 1,
    temperature: v.temperature,
    top_k: v.topK,
    top_p: v.topP,
    beam: v.beamSize,
    profile: v.profileWeight,
    profile_floor: v.profileFloor,
    density: v.densityWeight,
  };
}
