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

/** The tick grid a clock thread generates F8 on: tick n at anchorTimeMs + (n - anchorTick) * periodMs. */
export interface TickGrid {
  readonly anchorTick: number;
  readonly anchorTimeMs: number;
  readonly periodMs: number;
}

/**
 * An output that generates the F8s itself from the master's grid, so no per-tick hand-over
 * from the main thread can be late. The master tells it the grid on run, on every tempo
 * change (the grid pivots on a tick already committed) and stops it on halt.
 */
export interface TickGeneratingOut extends TimedMidiOut {
  /** Send F8 for every tick from `fromTick` on, on `grid`, until told otherwise. */
  followGrid(grid: TickGrid, fromTick: number): void;
  stopTicks(): void;
}

export function isTickGeneratingOut(out: MidiOut): out is TickGeneratingOut {
  return isTimedMidiOut(out) && typeof (out as Partial<TickGeneratingOut>).followGrid === 'function';
}
