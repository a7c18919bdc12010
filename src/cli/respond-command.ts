import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { grooveFor } from '../groove/groove.js';
import type { Logger } from '../system/log.js';
import { respondOffline } from '../perform/offline-respond.js';
import { loadVoiceModel } from '../voices/voice-models.js';
import { exchangeToSmf } from '../record/exchange-smf.js';
import { noteSequenceOf, readSmf } from '../record/smf-read.js';
import { renderExchange } from './drum-grid.js';
import { renderWav } from '../synth/render-wav.js';
import { SYNTH_SCHEMA } from '../synth/synth-config.js';
import { errorMessage } from '../util/error-message.js';

export const RESPOND_USAGE =
  'antiphon respond CALL.mid -o OUT.mid [--model NAME|DIR] [--temperature T] [--bars N] [--beam N] [--seed N] [--groove learned|call|off] [--wav OUT.wav]';

/** A command-line value that is not what the option takes. */
export class BadOption extends Error {
  override readonly name = 'BadOption';
  constructor(
    readonly option: string,
    readonly value: string,
    expected: string,
  ) {
    super(`--${option} ${value}: expected ${expected}`);
  }
}

function numberOption(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  ok: (n: number) => boolean,
  expected: string,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !ok(n)) throw new BadOption(name, String(raw), expected);
  return n;
}

/** `antiphon respond`: answers a call from a MIDI file, offline, with the box's own engine. */
export async function respondCommand(
  args: readonly string[],
  log: Logger,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      temperature: { type: 'string' },
      bars: { type: 'string' },
      beam: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      log: { type: 'string' },
      groove: { type: 'string' },
      wav: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const input = positionals[0];
  const output = values.output;
  if (input === undefined || output === undefined) {
    process.stderr.write(`usage: ${RESPOND_USAGE}\n`);
    return 2;
  }
  try {
    const temperature = numberOption(values, 'temperature', 1, (n) => n > 0 && n <= 5, 'a temperature in (0, 5]');
    const bars = numberOption(
      values,
      'bars',
      0,
      (n) => Number.isInteger(n) && n >= 0 && n <= 64,
      'whole bars 0..64 (0 = as long as the call)',
    );
    const beamSize = numberOption(
      values,
      'beam',
      1,
      (n) => Number.isInteger(n) && n >= 1 && n <= 16,
      'a beam size 1..16',
    );
    const seed = numberOption(values, 'seed', 1, (n) => Number.isInteger(n), 'an integer seed');
    const grooveSetting = values.groove ?? 'learned';
    if (grooveSetting !== 'learned' && grooveSetting !== 'call' && grooveSetting !== 'off') {
      throw new BadOption('groove', grooveSetting, 'learned, call or off');
    }
    const loaded = await loadVoiceModel(values.model ?? 'default', log, seed);
    const call = noteSequenceOf(readSmf(new Uint8Array(await readFile(input)), input));
    const exchange = await respondOffline(
      call,
      loaded.generator,
      { temperature, beamSize, seed, bars, log, groove: grooveFor(grooveSetting, loaded.groove) },
      input,
    );
    const temp = `${output}.tmp`;
    await writeFile(temp, exchangeToSmf(exchange));
    await rename(temp, output);
    if (loaded.placeholder)
      out('NOTE: no trained model found; this response comes from an UNTRAINED placeholder model.');
    out(renderExchange(exchange, (p) => loaded.generator.classOf(p)));
    out(`wrote ${output}`);
    if (values.wav !== undefined) {
      // The box's own synth settings: the same soundfont and rate the built-in sound plays.
      const synth = SYNTH_SCHEMA.parse({});
      await renderWav({
        command: synth.command,
        soundfont: synth.soundfont,
        midiFile: output,
        wavFile: values.wav,
        sampleRate: synth.sample_rate,
        gain: synth.gain,
      });
      out(`wrote ${values.wav}`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`antiphon respond: ${errorMessage(e)}\n`);
    return 1;
  }
}
