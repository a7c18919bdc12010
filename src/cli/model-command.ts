import type { Architecture } from '../model/checkpoint/architecture.js';
import { describeArchitecture } from '../model/checkpoint/architecture.js';
import { CheckpointError } from '../model/checkpoint/errors.js';
import type { WeightDtype } from '../model/checkpoint/quantize-weights.js';
import type { Checkpoint } from '../model/checkpoint/reader.js';
import { readCheckpoint } from '../model/checkpoint/reader.js';
import { openCheckpointSource } from '../model/checkpoint/source.js';
import { writeCheckpoint } from '../model/checkpoint/writer.js';
import { DRUM_CLASS_NAMES, DRUM_PITCH_MAPS, identifyDrumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import { errorMessage } from '../util/error-message.js';

/** Where the command writes; injected so tests read what a user would see. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = [
  'usage: antiphon model info DIR|URL',
  '       antiphon model quantize IN OUT --dtype uint8|uint16|float16|float32',
];
const DTYPES: readonly WeightDtype[] = ['uint8', 'uint16', 'float16', 'float32'];

export function describeModel(cp: Checkpoint, arch: Architecture): string[] {
  const lines = [
    `model: ${cp.location}`,
    `type: MusicRNN, ${cp.config.dataConverter.type}`,
    `layers: ${arch.layerUnits.length} x LSTM [${arch.layerUnits.join(', ')}]`,
    `attention: ${arch.attention === undefined ? 'none' : `length ${arch.attention.length}, size ${arch.attention.size}`}`,
    `inputs: ${arch.inputSize} (controls ${arch.controlDepth} + events ${arch.eventDepth} + aux ${arch.auxDepth})`,
    `outputs: ${arch.outputSize}`,
    `parameters: ${arch.parameterCount.toLocaleString('en-US')}`,
    `stored: ${cp.storedBytes.toLocaleString('en-US')} bytes (${[...new Set([...cp.tensors.values()].map((t) => t.stored))].join(', ')})`,
    `float32 in memory: ${(arch.parameterCount * 4).toLocaleString('en-US')} bytes; int8: about ${arch.parameterCount.toLocaleString('en-US')} bytes`,
  ];
  const dc = cp.config.dataConverter;
  if (dc.type === 'DrumsOneHotConverter') {
    const classes = dc.args.pitchClasses ?? DRUM_PITCH_MAPS.classic;
    const name = dc.args.pitchClasses === undefined ? 'classic (magenta-js default)' : identifyDrumPitchMap(classes);
    lines.push(`pitch map: ${name}`);
    classes.forEach((pitches, i) => lines.push(`  ${i} ${DRUM_CLASS_NAMES[i] ?? '?'}: ${pitches.join(' ')}`));
  } else {
    lines.push(`pitch range: ${dc.args.minPitch}..${dc.args.maxPitch}`);
  }
  return lines;
}

async function load(location: string): Promise<{ cp: Checkpoint; arch: Architecture }> {
  const cp = await readCheckpoint(openCheckpointSource(location));
  return { cp, arch: describeArchitecture(cp) };
}

/** `antiphon model ...`: returns the process exit code; never throws for bad input. */
export async function runModelCommand(argv: readonly string[], io: CommandOutput = consoleOutput): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'info' && rest.length === 1 && rest[0] !== undefined) {
      const { cp, arch } = await load(rest[0]);
      describeModel(cp, arch).forEach((l) => io.out(l));
      return 0;
    }
    if (sub === 'quantize') {
      const dtypeAt = rest.indexOf('--dtype');
      const dtype = dtypeAt >= 0 ? rest[dtypeAt + 1] : undefined;
      const paths = rest.filter((_, i) => i !== dtypeAt && i !== dtypeAt + 1);
      const [input, output] = paths;
      if (paths.length !== 2 || input === undefined || output === undefined || !DTYPES.includes(dtype as WeightDtype)) {
        USAGE.forEach((l) => io.err(l));
        return 2;
      }
      const { cp } = await load(input);
      await writeCheckpoint(
        output,
        { config: cp.rawConfig, tensors: cp.tensors.values() },
        { dtype: dtype as WeightDtype },
      );
      const { cp: written, arch } = await load(output);
      io.out(
        `wrote ${output}: ${dtype}, ${written.storedBytes.toLocaleString('en-US')} bytes, ${arch.parameterCount.toLocaleString('en-US')} parameters`,
      );
      return 0;
    }
    USAGE.forEach((l) => io.err(l));
    return 2;
  } catch (err) {
    if (err instanceof CheckpointError) {
      io.err(`model error (${err.code}): ${err.message}`);
      return 1;
    }
    io.err(`model command failed: ${errorMessage(err)}`);
    return 1;
  }
}
