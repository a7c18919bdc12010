/**
 * What went wrong, in words, whatever was thrown: libraries throw strings too (midi-file
 * throws "Bad MIDI file. Expected 'MHdr'..."), and `(e as Error).message` would print "undefined".
 */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}
