import { auxDepthOf, controlDepthOf, eventDepthOf } from './config.js';
import { ConfigMismatchError, MissingVariableError, UnknownVariableError, WrongShapeError } from './errors.js';
import type { Checkpoint, WeightTensor } from './reader.js';
import { CONFIG_FILE, MANIFEST_FILE } from './reader.js';

/** What a checkpoint's variables describe, checked against its config. */
export interface Architecture {
  /** Control (chord) + event one-hot + aux widths, in the order magenta-js concatenates them. */
  readonly controlDepth: number;
  readonly eventDepth: number;
  readonly auxDepth: number;
  readonly inputSize: number;
  readonly layerUnits: readonly number[];
  readonly attention?: { readonly length: number; readonly size: number };
  readonly outputSize: number;
  readonly parameterCount: number;
}

export const ATTENTION_PREFIX = 'rnn/attention_cell_wrapper/';

export const variableNames = {
  cellKernel: (prefix: string, l: number) => `${prefix}multi_rnn_cell/cell_${l}/basic_lstm_cell/kernel`,
  cellBias: (prefix: string, l: number) => `${prefix}multi_rnn_cell/cell_${l}/basic_lstm_cell/bias`,
  attnInputKernel: `${ATTENTION_PREFIX}kernel`,
  attnInputBias: `${ATTENTION_PREFIX}bias`,
  attnW: `${ATTENTION_PREFIX}attention/attn_w`,
  attnV: `${ATTENTION_PREFIX}attention/attn_v`,
  attnQueryKernel: `${ATTENTION_PREFIX}attention/kernel`,
  attnQueryBias: `${ATTENTION_PREFIX}attention/bias`,
  attnOutputKernel: `${ATTENTION_PREFIX}attention_output_projection/kernel`,
  attnOutputBias: `${ATTENTION_PREFIX}attention_output_projection/bias`,
  fcWeights: 'fully_connected/weights',
  fcBiases: 'fully_connected/biases',
} as const;

function expectShape(
  tensors: ReadonlyMap<string, WeightTensor>,
  name: string,
  shape: readonly number[],
  used: Set<string>,
): WeightTensor {
  const t = tensors.get(name);
  if (t === undefined) throw new MissingVariableError('variable is missing', MANIFEST_FILE, name);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new WrongShapeError(`shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, MANIFEST_FILE, name);
  }
  used.add(name);
  return t;
}

/**
 * Derives the architecture from the variables and checks every shape and the config against
 * them, so a bad checkpoint fails here, by name, and never deep inside a kernel.
 */
export function describeArchitecture(checkpoint: Checkpoint): Architecture {
  const { config, tensors } = checkpoint;
  const hasAttention = tensors.has(variableNames.attnInputKernel);
  const prefix = hasAttention ? ATTENTION_PREFIX : 'rnn/';
  const controlDepth = controlDepthOf(config);
  const eventDepth = eventDepthOf(config);
  const auxDepth = auxDepthOf(config);
  const inputSize = controlDepth + eventDepth + auxDepth;
  const used = new Set<string>();

  const layerUnits: number[] = [];
  while (tensors.has(variableNames.cellKernel(prefix, layerUnits.length))) {
    const l = layerUnits.length;
    const bias = tensors.get(variableNames.cellBias(prefix, l));
    if (bias === undefined)
      throw new MissingVariableError('variable is missing', MANIFEST_FILE, variableNames.cellBias(prefix, l));
    const units = (bias.shape[0] ?? 0) / 4;
    if (bias.shape.length !== 1 || !Number.isInteger(units) || units < 1) {
      throw new WrongShapeError(`shape [${bias.shape.join(', ')}] is not [4 * units]`, MANIFEST_FILE, bias.name);
    }
    layerUnits.push(units);
    used.add(bias.name);
  }
  if (layerUnits.length === 0) {
    throw new MissingVariableError('no LSTM layer found', MANIFEST_FILE, variableNames.cellKernel(prefix, 0));
  }
  const lastUnits = layerUnits[layerUnits.length - 1] ?? 0;

  let attention: Architecture['attention'];
  let outputFrom = lastUnits;
  if (hasAttention) {
    if (config.attentionLength === undefined) {
      throw new ConfigMismatchError(
        'the weights have an attention wrapper but attentionLength is not set',
        CONFIG_FILE,
      );
    }
    const size = tensors.get(variableNames.attnV)?.shape[0];
    if (size === undefined) throw new MissingVariableError('variable is missing', MANIFEST_FILE, variableNames.attnV);
    const inputRows = tensors.get(variableNames.attnInputKernel)?.shape[0] ?? 0;
    if (inputRows - size !== inputSize) {
      throw new ConfigMismatchError(
        `config describes ${inputSize} inputs (controls ${controlDepth} + events ${eventDepth} + aux ${auxDepth}) ` +
          `but ${variableNames.attnInputKernel} takes ${inputRows - size}`,
        CONFIG_FILE,
        variableNames.attnInputKernel,
      );
    }
    expectShape(tensors, variableNames.attnInputKernel, [inputSize + size, inputSize], used);
    expectShape(tensors, variableNames.attnInputBias, [inputSize], used);
    expectShape(tensors, variableNames.attnW, [1, 1, size, size], used);
    expectShape(tensors, variableNames.attnV, [size], used);
    const querySize = layerUnits.reduce((a, u) => a + 2 * u, 0);
    expectShape(tensors, variableNames.attnQueryKernel, [querySize, size], used);
    expectShape(tensors, variableNames.attnQueryBias, [size], used);
    expectShape(tensors, variableNames.attnOutputKernel, [lastUnits + size, size], used);
    expectShape(tensors, variableNames.attnOutputBias, [size], used);
    attention = { length: config.attentionLength, size };
    outputFrom = size;
  } else if (config.attentionLength !== undefined) {
    throw new ConfigMismatchError(
      `attentionLength is ${config.attentionLength} but the weights have no attention wrapper`,
      CONFIG_FILE,
    );
  }

  layerUnits.forEach((units, l) => {
    const input = l === 0 ? inputSize : (layerUnits[l - 1] ?? 0);
    const name = variableNames.cellKernel(prefix, l);
    const rows = tensors.get(name)?.shape[0] ?? 0;
    if (l === 0 && !hasAttention && rows - units !== inputSize) {
      throw new ConfigMismatchError(
        `config describes ${inputSize} inputs (controls ${controlDepth} + events ${eventDepth} + aux ${auxDepth}) ` +
          `but ${name} takes ${rows - units}`,
        CONFIG_FILE,
        name,
      );
    }
    expectShape(tensors, name, [input + units, 4 * units], used);
  });

  const fcRows = tensors.get(variableNames.fcWeights)?.shape[1];
  if (fcRows !== undefined && fcRows !== eventDepth) {
    throw new ConfigMismatchError(
      `config describes ${eventDepth} event classes but ${variableNames.fcWeights} outputs ${fcRows}`,
      CONFIG_FILE,
      variableNames.fcWeights,
    );
  }
  expectShape(tensors, variableNames.fcWeights, [outputFrom, eventDepth], used);
  expectShape(tensors, variableNames.fcBiases, [eventDepth], used);

  let parameterCount = 0;
  for (const t of tensors.values()) {
    if (!used.has(t.name)) throw new UnknownVariableError('variable is not part of a MusicRNN', t.file, t.name);
    parameterCount += t.values.length;
  }
  return {
    controlDepth,
    eventDepth,
    auxDepth,
    inputSize,
    layerUnits,
    ...(attention === undefined ? {} : { attention }),
    outputSize: eventDepth,
    parameterCount,
  };
}
