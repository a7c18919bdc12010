import type { MidiOut } from './midi-out.js';
export { virtualScheduler } from './virtual-scheduler.js';

/** An output that records what it was sent and when, by the given clock. */
export class RecordingOut implements MidiOut {
  readonly sent: { readonly atMs: number; readonly bytes: readonly number[] }[] = [];
  constructor(
    readonly id: string,
    private readonly clock: { nowMs(): number },
  ) {}
  send(bytes: Uint8Array): boolean {
    this.sent.push({ atMs: this.clock.nowMs(), bytes: [...bytes] });
    return true;
  }
  timesOf(status: number): number[] {
    return this.sent.filter((s) => s.bytes[0] === status).map((s) => s.atMs);
  }
}
