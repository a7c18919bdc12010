/**
 * Where timed bytes go: the small output seam the scheduler and master clock drive. Both a
 * `MidiOutputHandle` (USB via ALSA) and the DIN serial port satisfy it.
 *
 * Contract: `send` writes whole messages now, never throws, and returns false when the port
 * is gone or refused the bytes (the caller logs and carries on).
 */
export interface MidiOut {
  /** Stable name for logs and role lookups, e.g. "din" or the ALSA port name. */
  readonly id: string;
  send(bytes: Uint8Array): boolean;
}
