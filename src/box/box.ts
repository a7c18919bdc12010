import { join } from 'node:path';
import { ClockOutputThread } from '../clock/clock-output-thread.js';
import { Priority, type Scheduler } from '../clock/scheduler.js';
import { TICKS_PER_STEP, ticks } from '../clock/units.js';
import { barMs, barTick } from '../perform/bars.js';
import { CcMap } from '../control/cc-map.js';
import { isParameterCommand, type BoxCommand } from '../control/commands.js';
import { ParameterCommandError, ParameterStore, type ParameterChange } from '../control/parameter-store.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { DeviceService } from '../devices/device-service.js';
import { RoleBook, type Role } from '../devices/roles.js';
import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import type { Exchange } from '../perform/engine-types.js';
import type { LinkOpener } from '../link/open-link.js';
import { ExchangeRecorder } from '../record/recorder.js';
import type { Config } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';
import { BoxClock } from './box-clock.js';
import { BoxTransport } from './box-transport.js';
import { BusState } from './bus-state.js';
import { idleSnapshot } from './box-state.js';
import { startBeats, stopBeats } from './beat-events.js';
import type { BoxBus, BoxEvent, BoxProblem, BoxSnapshot, ClockStatus } from './bus-types.js';
import { routeInput, type InputRules, type InputSource } from './input-router.js';
import { loadVoices, type LoadedVoices, type ModelLoader } from './voices.js';
import { PerformanceCore } from './performance-core.js';
import { NoteOutputs } from './note-outputs.js';
import { surfaceContext, startSurfaces, stopSurfaces } from './surfaces.js';
import type { BoxSurface } from './surface.js';

/** The engine state as Magenta's interface reports it on the state CC. */
const STATE_CC = { idle: 0, listening: 1, responding: 2 } as const;

/** Everything the box is built from. The CLI passes real parts; a test passes simulators and a virtual clock. */
export interface BoxParts {
  readonly hardware: Hardware;
  readonly scheduler: Scheduler;
  readonly config: Config;
  readonly log: Logger;
  readonly loadModel: ModelLoader;
  readonly seed: number;
  /** `realtime`: notes and clock leave from SCHED_FIFO threads (the box); `none`: the scheduler sends them (tests). */
  readonly outputThreads: 'realtime' | 'none';
  /** With `realtime`: a thread started before the box was assembled (the CLI's), taken instead of starting one. */
  readonly adoptOutputThread?: (name: 'usb' | 'din') => ClockOutputThread | undefined;
  /** Converts a device input stamp (hardware.now) to the scheduler's clock. */
  readonly inputToSchedulerMs: (deviceMs: number) => number;
  /** Control surfaces to start once the box can play (panel, Push 2, page, synth). */
  readonly surfaces?: readonly BoxSurface[];
  /** Opens the `[link]` session when it is enabled (openLinkSession; a simulated network in tests). */
  readonly openLink?: LinkOpener;
  /** Config problems found at load, shown as warnings on the bus. */
  readonly configProblems?: readonly { readonly path: string; readonly message: string }[];
}

/**
 * The assembled box: devices, clock, models, the performance engine and the recorder, behind
 * one bus. Built only from injected parts, so the whole box runs on virtual time in a test.
 */
export class Box implements BoxBus {
  readonly clock: BoxClock;
  readonly devices: DeviceService;
  readonly #parts: BoxParts;
  readonly #params: ParameterStore;
  readonly #rules: InputRules;
  readonly #inputListeners = new Set<(d: ConnectedDevice, t: TimedMidiMessage) => void>();
  readonly #deviceListeners = new Set<() => void>();
  #surfaces: readonly BoxSurface[] = [];
  readonly #threads: { readonly name: string; readonly thread: ClockOutputThread }[] = [];
  readonly #outputs: NoteOutputs;
  readonly #recorder: ExchangeRecorder;
  readonly #bus: BusState;
  readonly #transport: BoxTransport;
  #core: PerformanceCore | undefined;
  #voices: LoadedVoices | undefined;
  #stopped = false;
  /** What each start-up phase took (ms, in the order they ran; models load alongside the first two): for the 'startup' log line and bench:startup. */
  readonly startupMs: Record<string, number> = {};

  constructor(parts: BoxParts) {
    this.#parts = parts;
    const { config, hardware, scheduler, log } = parts;
    const perform = config.perform;
    // The voices' models, and whatever else the model knob may step to: nothing is loaded twice or for nothing.
    const models = [
      ...new Set([...perform.parameters.voices.map((v) => String(v.values['model'])), ...perform.models]),
    ];
    this.#params = new ParameterStore(perform.parameters, { models });
    this.#rules = { cc: new CcMap(perform.cc), endCallNote: perform.end_call_note };
    const usbThread =
      parts.outputThreads === 'realtime' && hardware.backend.kind === 'alsa' ? this.#thread('usb') : undefined;
    const dinThread = parts.outputThreads === 'realtime' && config.din.enabled ? this.#thread('din') : undefined;
    this.devices = new DeviceService({
      ...hardware,
      roles: new RoleBook(config.devices.roles, (d) => this.#surfaceOwns(d.profile?.id)),
      pollMs: config.devices.poll_ms,
      ignore: config.devices.ignore,
      log,
      listener: {
        message: (d, t) => this.#deviceInput(d, t),
        attached: (d) => this.#outputs.attach(d),
        detached: (d) => {
          this.#outputs.detach(d);
          this.#emitDevices();
          for (const listen of this.#deviceListeners) listen();
        },
        rolesChanged: (d) => this.#rolesChanged(d),
      },
    });
    this.clock = new BoxClock({
      scheduler,
      ...(dinThread ? { clockThread: dinThread } : {}),
      threadedUsbOut: (d) => this.#outputs.clockOut(d),
      clock: config.clock,
      din: config.din,
      tempoBpm: Number(this.#params.get('tempo_bpm')),
      devices: () => this.devices.manager.devices(),
      serial: hardware.serial,
      log,
      toSchedulerMs: parts.inputToSchedulerMs,
      onDinHuman: (t) => this.#input({ roles: ['human'], ccMapped: true }, t.message, t.timeMs, 'din'),
      ...(parts.openLink ? { link: { config: config.link, open: parts.openLink, log } } : {}),
      report: (level, message) => this.#problem(level, 'device', message),
    });
    this.#outputs = new NoteOutputs({
      scheduler,
      log,
      roleOf: (voice) => this.#roleOf(voice),
      usbThread,
      dinThread,
      clock: this.clock,
      devices: () => this.devices.manager.devices(),
      sendToDevices: (role, m, source) => void this.devices.manager.sendToRole(role, m, source),
    });
    this.#recorder = new ExchangeRecorder({
      dir: join(config.data.dir, 'recordings'),
      maxBytes: perform.recordings_max_mb * 1024 * 1024,
      log,
    });
    this.#transport = new BoxTransport(
      {
        setClockPlaying: (playing) => this.clock.setPlaying(playing),
        setEnginePlaying: (playing) => this.#core?.transport(playing),
        recorder: this.#recorder,
        beats: (on) => (on ? this.#startBeats() : stopBeats(scheduler)),
        emit: (e) => this.#emit(e),
        log,
      },
      { playing: true, recordArmed: this.#recorder.armed, undoDepth: 0 },
    );
    this.#bus = new BusState(
      idleSnapshot({
        parameters: this.#params.state,
        models,
        clock: this.#clockStatus(),
        transport: this.#transport.status,
      }),
      log,
      () => scheduler.nowMs(),
    );
    // The pad's own state light: Magenta's interface reports the engine state on a CC.
    const stateOut = this.#rules.cc.stateOut;
    if (stateOut !== undefined)
      this.subscribe(
        (e) =>
          e.kind === 'engine' &&
          this.#outputs.sendToRole(
            'human',
            { type: 'controlChange', channel: 0, controller: stateOut, value: STATE_CC[e.state] },
            'engine',
          ),
      );
  }

  /** Opens devices and the clock, loads the models and starts listening. Resolves when the box can play. */
  async start(): Promise<void> {
    const { hardware, log, config, scheduler } = this.#parts;
    for (const p of this.#parts.configProblems ?? []) this.#problem('warning', 'config', `${p.path}: ${p.message}`);
    let phaseStart = performance.now();
    const phase = (name: string): void => {
      this.startupMs[name] = Math.round((performance.now() - phaseStart) * 10) / 10;
      phaseStart = performance.now();
    };
    // The models load in their worker while the output threads come up and the devices open.
    const voices = loadVoices(this.#bus.snapshot.models, this.#parts.loadModel, this.#parts.seed, (name, error) =>
      this.#problem('error', 'model', `model '${name}': ${error}`),
    );
    await Promise.all(this.#threads.map((t) => t.thread.ready()));
    phase('outputThreads');
    this.devices.start();
    for (const m of hardware.missing) log.warn({ missing: m }, 'hardware unavailable, continuing without it');
    phase('devices');
    this.#voices = await voices;
    phase('modelsAfterThat');
    await this.clock.start();
    phase('clock');
    this.clock.service.onSourceChange(() => this.#emit({ kind: 'clock', clock: this.#clockStatus() }));
    this.clock.onLinkChange(() => this.#emit({ kind: 'clock', clock: this.#clockStatus() }));
    if (this.clock.linkStatus()) this.#emit({ kind: 'clock', clock: this.#clockStatus() });
    this.clock.onTimelineJump((why) => {
      log.info({ why }, 'song timeline jumped; engine reset');
      this.#core?.control({ kind: 'panic' });
      if (why !== 'follow') this.#transport.followed(why !== 'stop');
    });
    this.#core = new PerformanceCore({
      scheduler,
      view: this.clock.timeline,
      voices: this.#voices,
      params: this.#params.state,
      seed: this.#parts.seed,
      log,
      notes: this.#outputs.sink,
      send: (message, voice) => this.#outputs.sendToRole(this.#roleOf(voice), message, `voice:${voice}`),
      emit: (e) => this.#emit(e),
      onExchange: (x) => this.#exchangeConfirmed(x),
      onUndoDepth: (depth) => this.#transport.undoDepth(depth),
    });
    this.#startBeats();
    this.#emitDevices();
    const view = this.clock.timeline;
    log.info(
      {
        tempo: view.tempo(),
        clockSource: this.clock.service.source,
        din: config.din.enabled ? `${config.din.device} ${config.din.roles.join(',')}` : 'off',
        mode: this.#params.get('mode'),
        voices: this.#bus.snapshot.parameters.voices.map(
          (v) => `${v.name}:${String(v.values['model'])}->${String(v.values['role'])}/${String(v.values['channel'])}`,
        ),
        seed: this.#parts.seed,
        songZeroMonoMs: view.timeOfTick(ticks(0)),
        barMs: barMs(view),
      },
      'antiphon started',
    );
    if (!this.#hasHuman()) this.#setDemo(true);
    const ctx = surfaceContext({
      bus: this,
      scheduler,
      timers: hardware.timers,
      log,
      devices: () => this.devices.manager.devices(),
      inputListeners: this.#inputListeners,
      deviceListeners: this.#deviceListeners,
      learn: (c, t) => this.#rules.cc.learn(c, t),
      report: (level, code, message) => this.#problem(level, code, message),
    });
    // The first bar needs none of the surfaces (page, panel, Push 2, synth): the box is ready
    // to play now, and they come up behind it.
    this.surfacesStarted = startSurfaces(this.#parts.surfaces ?? [], ctx, (name, error) =>
      this.#problem('error', 'device', `${name}: ${error}`),
    ).then((started) => {
      this.#surfaces = started;
    });
  }

  /** Beat events on the box's timeline from now on; none while the transport is stopped. */
  #startBeats(): void {
    const { scheduler } = this.#parts;
    stopBeats(scheduler);
    startBeats(scheduler, this.clock.timeline, scheduler.nowMs(), (bar, beat, atMs) => {
      if (this.#stopped || !this.#transport.playing) return;
      this.#emit({ kind: 'beat', bar, beat, atMs });
      // A followed clock drifts in tempo: say so when it has moved by half a BPM.
      if (Math.abs(this.clock.timeline.tempo() - this.#bus.snapshot.clock.tempo) >= 0.5)
        this.#emit({ kind: 'clock', clock: this.#clockStatus() });
    });
  }

  /** Resolves once every surface has started (or failed and been reported); `start` does not wait for it. */
  surfacesStarted: Promise<void> = Promise.resolve();

  /** The drum class of `pitch` under `model` (-1 when unknown): for printing grids. */
  classOf(model: string, pitch: number): number {
    return this.#voices?.infos.get(model)?.classOf(pitch) ?? -1;
  }

  /** The output threads (DIN, USB), by name: the watchdog pings them. */
  get outputThreads(): readonly { readonly name: string; readonly thread: ClockOutputThread }[] {
    return this.#threads;
  }

  /** Generations in flight: a harness on virtual time lets them finish before time moves on. */
  get generating(): number {
    return this.#core?.generating ?? 0;
  }

  /** True while no model was found and seeded random weights stand in. */
  get placeholderModel(): boolean {
    return this.#voices?.placeholder ?? false;
  }

  dispatch(command: BoxCommand): void {
    if (this.#stopped) return;
    this.#emit({ kind: 'command', command });
    if (!isParameterCommand(command)) {
      if (command.kind === 'transport' || command.kind === 'recordArm') this.#transport.command(command);
      else this.#core?.control({ kind: command.kind });
      return;
    }
    let change: ParameterChange | undefined;
    try {
      change = this.#params.apply(command);
    } catch (e) {
      if (!(e instanceof ParameterCommandError)) throw e;
      this.#problem('warning', 'command', e.message);
      return;
    }
    if (!change) return;
    if (change.param === 'tempo_bpm' && !this.clock.setTempo(Number(change.value)))
      this.#parts.log.info({ bpm: change.value }, 'tempo ignored: following an external clock');
    this.#core?.parameterChanged(change);
    this.#emit({ kind: 'parameter', change, source: command.source });
    if (change.param === 'tempo_bpm') this.#emit({ kind: 'clock', clock: this.#clockStatus() });
  }

  snapshot(): BoxSnapshot {
    const stats = this.#core?.stats;
    const s = this.#bus.snapshot;
    return stats ? { ...s, stats: { ...stats } } : s;
  }

  subscribe(listener: (event: BoxEvent) => void): () => void {
    return this.#bus.subscribe(listener);
  }

  /** Panic (note-offs on every output), then closes everything. Recordings in flight are finished first. */
  async stop(): Promise<{ recordings: number; recordingFailures: number; sendTiming: object }> {
    if (this.#stopped)
      return { recordings: this.#recorder.written, recordingFailures: this.#recorder.failures, sendTiming: {} };
    await this.surfacesStarted;
    await stopSurfaces(this.#surfaces, this.#parts.log);
    this.#stopped = true;
    this.#setDemo(false);
    this.#core?.control({ kind: 'panic' });
    this.#core?.stop();
    this.devices.manager.releaseAll();
    const sendTiming = this.#outputs.timing();
    stopBeats(this.#parts.scheduler);
    // The threads write the panic's note-offs before they exit, and DIN's fd closes after that.
    const threadsDone = Promise.all(this.#threads.map((t) => t.thread.dispose())).then(() => this.#outputs.closeAll());
    await Promise.all([this.#recorder.flush(), threadsDone.then(() => this.clock.stop())]);
    this.devices.stop();
    this.#voices?.dispose();
    this.#parts.log.info(
      {
        stats: this.#core?.stats,
        sendTiming,
        recordings: this.#recorder.written,
        recordingFailures: this.#recorder.failures,
      },
      'antiphon stopped',
    );
    return { recordings: this.#recorder.written, recordingFailures: this.#recorder.failures, sendTiming };
  }

  /** Where a voice plays: its registry `role` (response, voice:NAME, ...). */
  #roleOf(voice: string): Role {
    return String(this.#params.get('role', voice)) as Role;
  }

  #thread(name: 'usb' | 'din'): ClockOutputThread {
    const thread = this.#parts.adoptOutputThread?.(name) ?? new ClockOutputThread({ realtime: true });
    const log = this.#parts.log;
    thread.onPriority((ok, detail) =>
      ok
        ? log.info({ thread: name }, 'output thread runs SCHED_FIFO')
        : log.warn({ thread: name, detail }, 'output thread stays at normal priority'),
    );
    this.#threads.push({ name, thread });
    return thread;
  }

  #deviceInput(device: ConnectedDevice, timed: TimedMidiMessage): void {
    const profile = device.found.profile;
    const source = {
      roles: device.roles,
      ccMapped: !this.#surfaceOwns(profile?.id),
      ...(profile ? { padNotes: profile.padNotes } : {}),
    };
    if (!this.clock.deviceMessage(device, timed))
      this.#input(source, timed.message, this.#parts.inputToSchedulerMs(timed.timeMs), device.found.instanceKey);
    for (const listen of this.#inputListeners) listen(device, timed);
  }

  /**
   * True for a device whose controls and lights a surface owns: Push 2 while its surface
   * runs (its buttons are not Magenta's CCs, and it draws the answers instead of playing them).
   */
  #surfaceOwns(profileId: string | undefined): boolean {
    return profileId === 'push2' && this.#parts.config.push2.enabled;
  }

  /** One message from a device (or DIN), at a time on the scheduler's clock. */
  #input(source: InputSource, message: MidiMessage, atMs: number, from: string): void {
    for (const r of routeInput(source, message, this.#rules)) {
      if (r.kind === 'thru') {
        // The device layer echoes a USB human's notes to USB thru itself (it tracks them for unplug).
        if (from === 'din') this.devices.manager.sendToRole('thru', r.message, from);
        else this.clock.sendToDin('thru', r.message);
      } else if (r.kind === 'command') this.dispatch(r.command);
      // Stopped, the box does not listen (thru above still plays the human's pad).
      else if (r.kind === 'hit' && this.#core && this.#transport.playing) {
        if (this.#bus.snapshot.demo && from === 'din') this.#setDemo(false);
        const at = Math.min(this.#parts.scheduler.nowMs(), atMs);
        this.#emit({ kind: 'hit', hit: { pitch: r.pitch, velocity: r.velocity, atMs: at } });
        this.#core.hit(r.pitch, r.velocity, at);
      }
    }
  }

  #rolesChanged(device: ConnectedDevice): void {
    this.#emitDevices();
    for (const listen of this.#deviceListeners) listen();
    if (this.#bus.snapshot.demo && device.roles.includes('human')) this.#setDemo(false);
  }

  #hasHuman(): boolean {
    return this.devices.manager.devices().some((d) => d.roles.includes('human'));
  }

  #setDemo(on: boolean): void {
    if (this.#bus.snapshot.demo === on || !this.#core) return;
    if (on) this.#core.startDemo();
    else this.#core.stopDemo();
    this.#emit({ kind: 'demo', on });
  }

  /**
   * An exchange is confirmed on its response's downbeat, the busiest instant for the
   * scheduler: announcing and recording it wait half a 16th, between the grid's notes.
   */
  #exchangeConfirmed(x: Exchange): void {
    const view = this.clock.timeline;
    const downbeat = barTick(x.turns[0]?.startBar ?? 0, view.stepsPerBar);
    const { scheduler } = this.#parts;
    scheduler.callAt(
      Math.max(scheduler.nowMs(), view.timeOfTick(ticks(downbeat + TICKS_PER_STEP / 2))),
      () => {
        void this.#recorder
          .record(x)
          // Disarmed (the Record button), nothing is written and nothing is wrong.
          .then(
            (file) =>
              file === undefined && this.#problem('warning', 'recording', `exchange ${x.id} could not be recorded`),
          );
        this.#emit({ kind: 'exchange', exchange: x });
        this.#core?.exchanged(x);
      },
      Priority.note,
      'exchange-report',
    );
  }

  #clockStatus(): ClockStatus {
    const service = this.clock.service;
    const source = service.source;
    return {
      source,
      mode: service.clockMode,
      tempo: Math.round(this.clock.timeline.tempo() * 10) / 10,
      locked: source !== 'internal',
      link: this.clock.linkStatus(),
    };
  }

  #emitDevices(): void {
    const devices = this.devices.manager
      .devices()
      .map((d) => ({ identity: d.found.identity, name: d.found.description.clientName, roles: d.roles }));
    this.#emit({ kind: 'devices', devices });
  }

  #problem(level: BoxProblem['level'], code: BoxProblem['code'], message: string): void {
    this.#bus.problem(level, code, message);
  }

  #emit(event: BoxEvent): void {
    this.#bus.emit(event);
  }
}
