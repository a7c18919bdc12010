import { ThreadedFdOut, type ClockOutputThread } from '../clock/clock-output-thread.js';
import { ClockService, type ClockSource } from '../clock/clock-service.js';
import type { MidiOut } from '../clock/midi-out.js';
import type { Scheduler } from '../clock/scheduler.js';
import { bpm } from '../clock/units.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { DinMidiPort, type DinLog } from '../devices/din/din-midi-port.js';
import type { Role } from '../devices/roles.js';
import type { SerialPortOpener } from '../devices/serial/serial-port.js';
import { encodeMessage } from '../midi/encoder.js';
import { isClockMessage, type MidiMessage, type TimedMidiMessage } from '../midi/message.js';
import type { TimelineView } from '../perform/engine-types.js';
import { masterClockTimeline } from '../perform/timeline-view.js';
import type { NoteRoute } from './routed-note-sink.js';
import type { Config } from '../system/config.js';
import { joinBoxLink, linkStatusOf, type BoxLinkParts } from './box-link.js';
import type { LinkStatus } from './bus-types.js';

export interface BoxClockOptions {
  readonly scheduler: Scheduler;
  readonly clock: Config['clock'];
  readonly din: Config['din'];
  readonly tempoBpm: number;
  /** The USB devices connected now (DeviceManager.devices), read on every use so replugs count. */
  readonly devices: () => readonly ConnectedDevice[];
  readonly serial: SerialPortOpener;
  readonly log: DinLog;
  /** Converts a USB device's input stamp (performance.now()) to the scheduler's clock. */
  readonly toSchedulerMs: (deviceMs: number) => number;
  /** DIN input that is not clock (notes, CCs), stamped on the scheduler's clock; used when DIN has the human role. */
  readonly onDinHuman?: (timed: TimedMidiMessage) => void;
  /**
   * Writes DIN's timed bytes (and generates its F8s) off the main thread, at their exact
   * time, while the UART has a file descriptor; without one, the scheduler sends them.
   */
  readonly clockThread?: ClockOutputThread;
  /**
   * A USB device's clock output kept by an output thread (stable per device, so the master
   * hands it the tick grid once); undefined sends that device's clock from the scheduler.
   */
  readonly threadedUsbOut?: (device: ConnectedDevice) => MidiOut | undefined;
  /**
   * `[link]`, and what opens its session (openLinkSession on the box, a simulated network in
   * a test). Nothing is opened, and the optional package never loaded, unless `enabled`.
   */
  readonly link?: BoxLinkParts;
  /** A problem the musician should see (Link off although enabled, Link failed): shown on the bus. */
  readonly report?: (level: 'warning' | 'error', message: string) => void;
}

const STOP = Uint8Array.of(0xfc);

/**
 * Why the song timeline jumped: the box began following (a MIDI clock, or a Link session), or
 * the followed clock's transport moved (a MIDI Start/Continue/Stop, Link's play state).
 */
export type TimelineJump = 'follow' | 'start' | 'continue' | 'stop';

/**
 * The box's clock wiring: one ClockService (lead, follow, or auto) fed by clock-in devices
 * and DIN in, driving clock-out devices and DIN out, with DIN as one more device with roles.
 * The performance engine reads `timeline`, so it plays to whichever clock leads.
 */
export class BoxClock {
  readonly service: ClockService;
  readonly din: DinMidiPort | undefined;
  readonly timeline: TimelineView;
  private readonly dinRoles: ReadonlySet<Role>;
  private readonly jumpListeners: ((why: TimelineJump) => void)[] = [];
  /** The last Start/Continue/Stop heard from a clock not (yet) followed. */
  private transportBeforeLock: 'start' | 'continue' | 'stop' | undefined;
  private readonly linkListeners: (() => void)[] = [];
  /** DIN as a tick-generating output on the clock thread; one object, so the master keeps it across ticks. */
  private readonly dinTicks: ThreadedFdOut | undefined;

  constructor(private readonly o: BoxClockOptions) {
    this.dinRoles = new Set(o.din.enabled ? o.din.roles : []);
    const thread = o.clockThread;
    const din = o.din.enabled
      ? new DinMidiPort(o.serial, o.scheduler, o.log, { path: o.din.device, ...(thread ? { thread } : {}) })
      : undefined;
    this.din = din;
    this.dinTicks = din && thread ? new ThreadedFdOut('din', () => din.fd, thread) : undefined;
    this.service = new ClockService(o.scheduler, {
      tempo: bpm(o.tempoBpm),
      outputs: () => this.clockOuts(),
      mode: o.clock.source,
      thru: o.clock.thru,
      follower: { lostAfterMs: o.clock.lost_after_ms },
    });
    this.timeline = masterClockTimeline(this.service, () => o.scheduler.nowMs());
    this.service.onSourceChange((source) => {
      this.report(source);
      // Taking over from a lost clock keeps its phase and position; starting to follow does not.
      // Nor does Link failing: the master carries on from Link's last grid and song position.
      // A Start (or Continue, Stop) heard before the lock says how the followed song begins.
      if (source === 'external') this.jump(this.takeTransportBeforeLock() ?? 'follow');
      else if (source === 'link') this.jump('follow');
      this.tellLink();
    });
    if (din) {
      // A reopened UART is a new output to the master (and a new fd for a clock thread).
      din.onOpen(() => this.service.master.refreshOutputs());
      din.onMessage((timed) => this.dinMessage(timed));
    }
  }

  /**
   * Opens DIN (a missing UART is logged and retried, never thrown) and the Link session (one
   * that does not open is reported, never thrown), then leads, follows Link, or waits for a
   * clock. Without start/stop sync the box's own play state on Link starts now, as the
   * master's does; with it, the session's play state is the box's.
   */
  async start(): Promise<void> {
    await this.din?.start();
    if (this.o.link)
      await joinBoxLink(this.service, this.o.link, {
        tempo: this.o.tempoBpm,
        ...(this.o.report ? { report: this.o.report } : {}),
        changed: () => this.tellLink(),
        transport: (kind) => this.jump(kind),
      });
    this.service.begin();
    if (this.service.source === 'internal') this.service.master.start();
    else if (this.service.source === 'link' && this.o.link?.config.start_stop_sync === false)
      this.service.setPlaying(true);
    this.report(this.service.source);
  }

  /** The Link session's state, while `[link]` is on and its session opened. */
  linkStatus(): LinkStatus | undefined {
    const link = this.service.link;
    return link ? linkStatusOf(link) : undefined;
  }

  /** Called when the Link session's tempo, peers or play state changes, or it fails. */
  onLinkChange(listener: () => void): void {
    this.linkListeners.push(listener);
  }

  /**
   * Called when song position no longer means what it did (the engine's bars are from another
   * song): on starting to follow, and on the followed clock's Start, Continue and Stop.
   */
  onTimelineJump(listener: (why: TimelineJump) => void): void {
    this.jumpListeners.push(listener);
  }

  /** DIN has `role` in the config (and is enabled). */
  dinHas(role: Role): boolean {
    return this.dinRoles.has(role);
  }

  /** Routes a USB device's clock message to the ClockService; true if it was one (and is consumed). */
  deviceMessage(device: ConnectedDevice, timed: TimedMidiMessage): boolean {
    if (!isClockMessage(timed.message)) return false;
    if (device.roles.includes('clock-in'))
      this.receive({ timeMs: this.o.toSchedulerMs(timed.timeMs), message: timed.message });
    return true;
  }

  /** Sends a message to DIN out if DIN has `role`; false when it does not or the UART is down. */
  sendToDin(role: Role, message: MidiMessage): boolean {
    if (!this.din || !this.dinHas(role)) return false;
    return this.din.send(encodeMessage(message));
  }

  /** Where the engine's notes for `role` go on DIN: its output thread while the UART has an fd. */
  dinNoteRoute(role: Role): NoteRoute | undefined {
    const din = this.din;
    if (!din || !this.dinHas(role)) return undefined;
    const fd = din.fd;
    const thread = this.o.clockThread;
    return thread && fd !== undefined
      ? { kind: 'thread', thread, dest: fd }
      : { kind: 'direct', send: (b) => din.send(b) };
  }

  /**
   * The tempo knob: it sets the master's tempo, or the Link session's (every peer follows);
   * false while following a MIDI clock, whose tempo is the other box's.
   */
  setTempo(tempo: number): boolean {
    return this.service.setTempo(tempo);
  }

  /**
   * The transport buttons: as master (or on Link) play sends MIDI Start and the song begins
   * again at its next clock, stop sends MIDI Stop; false while following an external MIDI
   * clock, whose transport is the other box's (the box then stops only its own playing).
   */
  setPlaying(playing: boolean): boolean {
    return this.service.setPlaying(playing);
  }

  /** Stops the clock it leads (its own, or the MIDI clock bridged from Link), then leaves Link: the peers play on. */
  async stop(): Promise<void> {
    const source = this.service.source;
    if (source === 'internal' || source === 'link') {
      this.service.link?.bridge.detach();
      this.service.master.halt();
      // Stop now, not on the next tick: the ports close right after. Straight to DIN's link,
      // since the clock thread would write it after the fd is gone.
      for (const out of this.clockOuts(true)) out.send(STOP);
    }
    await Promise.all([this.din?.dispose(), this.service.link?.session.dispose()]);
  }

  /** `direct`: the ports themselves, not their threads (for the Stop sent as the threads end). */
  private clockOuts(direct = false): MidiOut[] {
    const outs: MidiOut[] = this.o
      .devices()
      .filter((d) => d.roles.includes('clock-out') && d.output)
      .map(
        (d) =>
          (direct ? undefined : this.o.threadedUsbOut?.(d)) ?? {
            id: d.found.identity,
            send: (b: Uint8Array) => d.output?.send(b) ?? false,
          },
      );
    if (this.din && this.dinHas('clock-out'))
      outs.push(this.dinTicks && this.din.fd !== undefined && !direct ? this.dinTicks : this.din);
    return outs;
  }

  private dinMessage(timed: TimedMidiMessage): void {
    if (isClockMessage(timed.message)) {
      if (this.dinHas('clock-in')) this.receive(timed);
      return;
    }
    if (this.dinHas('human')) this.o.onDinHuman?.(timed);
  }

  private receive(timed: TimedMidiMessage): void {
    const wasFollowing = this.service.source === 'external';
    const type = timed.message.type;
    const transport = type === 'start' || type === 'continue' || type === 'stop' ? type : undefined;
    // A clock that went quiet after its Stop comes back with Start (or Continue) before the
    // ticks the follower needs to lock: kept until it locks, so the box plays again with it.
    if (!wasFollowing && transport) this.transportBeforeLock = transport;
    this.service.receive(timed);
    if (wasFollowing && this.service.source === 'external' && transport) this.jump(transport);
  }

  private takeTransportBeforeLock(): TimelineJump | undefined {
    const pending = this.transportBeforeLock;
    this.transportBeforeLock = undefined;
    return pending;
  }

  private jump(why: TimelineJump): void {
    for (const listen of this.jumpListeners) listen(why);
  }

  private tellLink(): void {
    for (const listen of this.linkListeners) listen();
  }

  private report(source: ClockSource): void {
    const t = this.service.transport;
    this.o.log.info({ source, mode: this.service.clockMode, tempo: Math.round(t.tempo * 10) / 10 }, 'clock source');
  }
}
