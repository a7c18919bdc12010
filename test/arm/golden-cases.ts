import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bpm, TICKS_PER_STEP, ticks } from '../../src/clock/units.js';
import { randomCheckpoint } from '../../src/model/checkpoint/random-checkpoint.js';
import { writeCheckpoint } from '../../src/model/checkpoint/writer.js';
import { DEMO_CALL_DRIVE, DEMO_CALL_GROOVE, type DemoHit } from '../../src/perform/demo-call.js';
import type { Exchange } from '../../src/perform/engine-types.js';
import { SHIPPED_MODELS_DIR } from '../../src/voices/voice-models.js';
import { exchangeToSmf } from '../../src/record/exchange-smf.js';

/** Where the golden calls and answers live (committed; written on x86-64 only). */
export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** The fixed calls, as .mid files a user would hand `antiphon respond`. */
export const GOLDEN_CALLS = { groove: DEMO_CALL_GROOVE, drive: DEMO_CALL_DRIVE } as const;
export type GoldenCall = keyof typeof GOLDEN_CALLS;

/** A call's hits as a Standard MIDI File: two bars after a one-bar lead-in, at 120 BPM. */
export function callSmf(hits: readonly DemoHit[]): Uint8Array {
  const notes = hits.map((h) => ({
    pitch: h.pitch,
    velocity: h.velocity,
    tick: ticks((16 + h.bar * 16 + h.step) * TICKS_PER_STEP + Math.round(h.offsetMs / 20.833)),
    durationTicks: ticks(3),
  }));
  const x: Exchange = {
    id: 0,
    mode: 'file',
    tempo: bpm(120),
    stepsPerBar: 16,
    call: { source: 'human', startBar: 1, bars: 2, endReason: 'n/a', notes, events: new Uint16Array() },
    turns: [],
  };
  return exchangeToSmf(x);
}

export type GoldenModel = 'shipped' | 'drum-kit-attention';

/** One fixed `antiphon respond` call: its options are the command line's. */
export interface GoldenCase {
  readonly name: string;
  readonly call: GoldenCall;
  readonly model: GoldenModel;
  readonly args: readonly string[];
}

export const GOLDEN_CASES: readonly GoldenCase[] = [
  {
    name: 'shipped-groove-sampled',
    call: 'groove',
    model: 'shipped',
    args: ['--temperature', '1', '--seed', '7', '--bars', '2'],
  },
  { name: 'shipped-drive-beam4', call: 'drive', model: 'shipped', args: ['--beam', '4', '--seed', '7', '--bars', '2'] },
  {
    name: 'drumkit-groove-sampled',
    call: 'groove',
    model: 'drum-kit-attention',
    args: ['--temperature', '0.9', '--seed', '11', '--bars', '2'],
  },
  {
    name: 'drumkit-drive-beam3',
    call: 'drive',
    model: 'drum-kit-attention',
    args: ['--beam', '3', '--seed', '5', '--bars', '1', '--temperature', '0.8'],
  },
];

const SHIPPED_MODEL = 'gmd-drums';
const DRUM_KIT_DIR = 'drum-kit-attention';

/** drum_kit_rnn's shape: 3 LSTM layers of 256 with a 32-step attention window. */
export const DRUM_KIT_SPEC = { layerUnits: [256, 256, 256], attentionLength: 32, seed: 16 } as const;

/**
 * The `--model` argument a case answers with: the shipped model by name, or a
 * drum_kit_rnn-sized one whose weights come from a fixed seed, written to
 * `scratch/drum-kit-attention` and named relative to `scratch` (the answer's .mid names its
 * model, so the name must not carry a machine's temporary path).
 */
export async function modelArgFor(model: GoldenModel, scratch: string): Promise<string> {
  if (model === 'shipped') {
    if (!existsSync(join(SHIPPED_MODELS_DIR, SHIPPED_MODEL, 'config.json')))
      throw new Error(`the shipped model ${SHIPPED_MODEL} is missing from ${SHIPPED_MODELS_DIR}`);
    return SHIPPED_MODEL;
  }
  await writeCheckpoint(join(scratch, DRUM_KIT_DIR), randomCheckpoint(DRUM_KIT_SPEC));
  return DRUM_KIT_DIR;
}
