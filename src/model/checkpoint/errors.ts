/**
 * Everything that can be wrong with a model checkpoint, each as its own class so callers
 * branch on `instanceof` (or `code`), never on message text. Every error names the file and,
 * where there is one, the tensor.
 */
export type CheckpointErrorCode =
  | 'missing-file'
  | 'unreadable-file'
  | 'malformed-file'
  | 'truncated-shard'
  | 'oversized-shard'
  | 'unsupported-dtype'
  | 'wrong-shape'
  | 'unknown-variable'
  | 'missing-variable'
  | 'config-mismatch'
  | 'non-finite-weight';

export abstract class CheckpointError extends Error {
  abstract readonly code: CheckpointErrorCode;
  constructor(
    detail: string,
    /** The checkpoint file at fault, e.g. `group1-shard2of3` or `config.json`. */
    readonly file: string,
    /** The tensor at fault, when one is. */
    readonly tensor?: string,
  ) {
    super(`${file}${tensor === undefined ? '' : ` [${tensor}]`}: ${detail}`);
  }
}

export class MissingFileError extends CheckpointError {
  override readonly name = 'MissingFileError';
  readonly code = 'missing-file';
}
export class UnreadableFileError extends CheckpointError {
  override readonly name = 'UnreadableFileError';
  readonly code = 'unreadable-file';
}
export class MalformedFileError extends CheckpointError {
  override readonly name = 'MalformedFileError';
  readonly code = 'malformed-file';
}
export class TruncatedShardError extends CheckpointError {
  override readonly name = 'TruncatedShardError';
  readonly code = 'truncated-shard';
}
export class OversizedShardError extends CheckpointError {
  override readonly name = 'OversizedShardError';
  readonly code = 'oversized-shard';
}
export class UnsupportedDtypeError extends CheckpointError {
  override readonly name = 'UnsupportedDtypeError';
  readonly code = 'unsupported-dtype';
}
export class WrongShapeError extends CheckpointError {
  override readonly name = 'WrongShapeError';
  readonly code = 'wrong-shape';
}
export class UnknownVariableError extends CheckpointError {
  override readonly name = 'UnknownVariableError';
  readonly code = 'unknown-variable';
}
export class MissingVariableError extends CheckpointError {
  override readonly name = 'MissingVariableError';
  readonly code = 'missing-variable';
}
export class ConfigMismatchError extends CheckpointError {
  override readonly name = 'ConfigMismatchError';
  readonly code = 'config-mismatch';
}
export class NonFiniteWeightError extends CheckpointError {
  override readonly name = 'NonFiniteWeightError';
  readonly code = 'non-finite-weight';
}
