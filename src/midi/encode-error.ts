/**
 * A message handed to the encoder has a field out of range. Messages we encode are our own
 * code's output, so this is a bug to surface, not input to drop: the error names the message
 * type, the field and the offending value so the log points at the culprit.
 */
export class InvalidMidiField extends Error {
  override readonly name = 'InvalidMidiField';
  constructor(
    readonly messageType: string,
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${messageType}.${field} = ${describeValue(value)} is invalid: expected ${expected}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
