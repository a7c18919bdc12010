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

/**
 * An output that keeps its own time: it takes bytes ahead of time and sends them itself at
 * `atMs` (monotonic ms), ordered by (time, priority). The scheduler hands such outputs their
 * entries at once instead of waiting; see ClockOutputThread.
 */
export interface TimedMidiOut extends MidiOut {
  sendAt(bytes: Uint8Array, atMs: number, priority: number, tag?: string): boolean;
  /** Best effort: entries already on their way may still go out. */
  cancel(tag: string, fromMs: number): void;
}

export function isTimedMidiOut(out: MidiOut): out is TimedMidiOut {
  return 'sendAt' in out && typeof (out as Partial<TimedMidiOut>).sendAt === 'function';
}
