import { Priority, type Scheduler } from '../clock/scheduler.js';
import type { Bpm } from '../clock/units.js';
import { checkedBpm, ms } from '../clock/units.js';
import { seededRandom } from '../util/seeded-random.js';
import { LinkSessionListeners } from './link-session-base.js';
import type { LinkSample, LinkSession } from './link-session.js';

/** A beat timeline: `beat(t) = originBeat + (t - originMs) * tempo / 60000`. */
interface Timeline {
  readonly originMs: number;
  readonly originBeat: number;
  readonly tempo: Bpm;
}

const beatAt = (line: Timeline, atMs: number): number =>
  line.originBeat + ((atMs - line.originMs) * line.tempo) / 60_000;
const retempo = (line: Timeline, atMs: number, tempo: Bpm): Timeline => ({
  originMs: atMs,
  originBeat: beatAt(line, atMs),
  tempo,
});

/**
 * A virtual Link network on the scheduler's clock: the sessions enabled on it share one beat
 * timeline and, with start/stop sync, one play state, as Link peers do. Tests drive it by
 * moving the virtual clock and by commanding any session (a "peer" is just another one).
 */
export class SimulatedLinkNetwork {
  timeline: Timeline | undefined;
  playing = false;
  readonly members = new Set<SimulatedLinkSession>();

  constructor(readonly scheduler: Scheduler) {}

  /** Makes a session on this network; `sampleEveryMs` is how often it reports. */
  session(
    options: { tempo?: number; sampleEveryMs?: number; timingNoiseMs?: number; seed?: number } = {},
  ): SimulatedLinkSession {
    return new SimulatedLinkSession(this, options);
  }
}

let nextTag = 0;

/** One simulated peer. Follows the LinkSession contract on virtual time. */
export class SimulatedLinkSession extends LinkSessionListeners implements LinkSession {
  private own: Timeline;
  private ownPlaying = false;
  /** Beats this peer's count is ahead of the shared timeline's (a whole number of quanta). */
  private offset = 0;
  private quantum = 4;
  private sync = false;
  private on = false;
  private disposed = false;
  private readonly tag = `link-sim-${++nextTag}`;
  private readonly noise: () => number;

  constructor(
    private readonly network: SimulatedLinkNetwork,
    private readonly options: { tempo?: number; sampleEveryMs?: number; timingNoiseMs?: number; seed?: number },
  ) {
    super();
    this.own = { originMs: this.now(), originBeat: 0, tempo: checkedBpm(options.tempo ?? 120, 'simulated Link tempo') };
    this.noise = seededRandom(options.seed ?? 7);
  }

  get enabled(): boolean {
    return this.on;
  }

  enable(): void {
    if (this.on || this.disposed) return;
    this.on = true;
    const net = this.network;
    const now = this.now();
    if (net.timeline === undefined || net.members.size === 0) {
      net.timeline = this.own;
      if (this.sync) net.playing = this.ownPlaying;
      this.offset = 0;
    } else {
      // Joining: adopt the session's tempo and phase, keep this peer's beat count within a quantum.
      const mine = beatAt(this.own, now);
      this.offset = Math.round((mine - beatAt(net.timeline, now)) / this.quantum) * this.quantum;
    }
    net.members.add(this);
    this.scheduleSample(now);
  }

  disable(): void {
    if (!this.on) return;
    const now = this.now();
    this.own = { originMs: now, originBeat: this.beat(now), tempo: this.tempo() };
    this.ownPlaying = this.isPlaying();
    this.on = false;
    this.network.members.delete(this);
    this.network.scheduler.cancel(this.tag);
  }

  setTempo(tempo: Bpm): void {
    const checked = checkedBpm(tempo, 'Link tempo');
    const now = this.now();
    if (this.on && this.network.timeline) this.network.timeline = retempo(this.network.timeline, now, checked);
    else this.own = retempo(this.own, now, checked);
  }

  /**
   * A tempo change that took effect `lateMs` ago, as a remote peer's does by the time Link
   * hears of it (Link sends state at most every 50 ms): the grid moves under the listener.
   */
  setTempoHeardLate(tempo: Bpm, lateMs: number): void {
    const checked = checkedBpm(tempo, 'Link tempo');
    const at = this.now() - lateMs;
    if (this.on && this.network.timeline) this.network.timeline = retempo(this.network.timeline, at, checked);
    else this.own = retempo(this.own, at, checked);
  }

  setQuantum(beats: number): void {
    if (!(beats > 0)) throw new RangeError(`Link quantum must be positive, got ${beats}`);
    this.quantum = beats;
  }

  setPlaying(playing: boolean): void {
    if (this.on && this.sync) this.network.playing = playing;
    else this.ownPlaying = playing;
  }

  setStartStopSync(on: boolean): void {
    if (on === this.sync) return;
    // Leaving sync keeps the state that was playing; joining it adopts the session's.
    if (!on) this.ownPlaying = this.isPlaying();
    this.sync = on;
  }

  /** Dies as a crashed helper would: disposed, then failure listeners told once. */
  fail(why: string): void {
    if (this.disposed) return;
    const listeners = this.dropListeners();
    void this.dispose();
    for (const listen of listeners) listen(why);
  }

  dispose(): Promise<void> {
    this.disable();
    this.disposed = true;
    this.dropListeners();
    return Promise.resolve();
  }

  /** Reads the timeline now, as the real session's helper does every few milliseconds. */
  sampleNow(): LinkSample {
    const now = this.now();
    const quantum = this.quantum;
    const beat = this.beat(now);
    const jitter = (this.noise() * 2 - 1) * (this.options.timingNoiseMs ?? 0);
    const sample: LinkSample = {
      atMs: ms(now + jitter),
      beat,
      phase: ((beat % quantum) + quantum) % quantum,
      tempo: this.tempo(),
      playing: this.isPlaying(),
      peers: this.on ? this.network.members.size - 1 : 0,
      widthUs: Math.abs(jitter) * 2000,
    };
    this.publish(sample);
    return sample;
  }

  private scheduleSample(fromMs: number): void {
    const every = this.options.sampleEveryMs ?? 5;
    this.network.scheduler.callAt(
      fromMs,
      (at) => {
        if (!this.on) return;
        this.sampleNow();
        this.scheduleSample(at + every);
      },
      Priority.note,
      this.tag,
    );
  }

  private beat(atMs: number): number {
    return this.on && this.network.timeline
      ? beatAt(this.network.timeline, atMs) + this.offset
      : beatAt(this.own, atMs);
  }

  private tempo(): Bpm {
    return this.on && this.network.timeline ? this.network.timeline.tempo : this.own.tempo;
  }

  private isPlaying(): boolean {
    return this.on && this.sync ? this.network.playing : this.ownPlaying;
  }

  private now(): number {
    return this.network.scheduler.nowMs();
  }
}
