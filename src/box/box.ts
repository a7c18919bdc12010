import { join } from 'node:path';
import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import { ticks } from '../clock/units.js';
import { barMs } from '../perform/bars.js';
import { CcMap } from '../control/cc-map.js';
import { isParameterCommand, type BoxCommand } from '../control/commands.js';
import { ParameterStore } from '../control/parameter-store.js';
import { DeviceService } from '../devices/device-service.js';
import { RoleBook, type Role } from '../devices/roles.js';
import { ExchangeRecorder } from '../record/recorder.js';
import { BoxClock } from './box-clock.js';
import { BoxInput } from './box-input.js';
import type { BoxParts } from './box-parts.js';
import { clockStatusOf, devicesEvent } from './box-status.js';
import { BoxTransport } from './box-transport.js';
import { BusState } from './bus-state.js';
import { idleSnapshot } from './box-state.js';
import { startBeats, stopBeats } from './beat-events.js';
import type { BoxBus, BoxEvent, BoxProblem, BoxSnapshot } from './bus-types.js';
import { reportExchange } from './exchange-report.js';
import { loadVoices, type LoadedVoices } from './voices.js';
import { OutputThreads } from './output-threads.js';
import { applyParameterCommand } from './parameter-dispatch.js';
import { PerformanceCore } from './performance-core.js';
import { NoteOutputs } from './note-outputs.js';
import { surfaceContext, startSurfaces, stopSurfaces } from './surfaces.js';
import type { BoxSurface } from './surface.js';

/** The engine state as Magenta's interface reports it on the state CC. */
const STATE_CC = { idle: 0, listening: 1, responding: 2 } as const;

/**
 * The assembled box: devices, clock, models, the performance engine and the recorder, behind
 * one bus. Built only from injected parts, so the whole box runs on virtual time in a test.
 * Its jobs live beside it: input routing (box-input), commands (parameter-dispatch), the
 * output threads, exchange reports, the bus's state (bus-state, box-state, box-status).
 */
export class Box implements BoxBus {
  readonly clock: BoxClock;
  readonly devices: DeviceService;
  readonly #parts: BoxParts;
  readonly #params: ParameterStore;
  readonly #cc: CcMap;
  readonly #input: BoxInput;
  readonly #deviceListeners = new Set<() => void>();
  #surfaces: readonly BoxSurface[] = [];
  readonly #threads: OutputThreads;
  readonly #outputs: NoteOutputs;
  readonly #recorder: ExchangeRecorder;
  readonly #bus: BusState;
  readonly #transport: BoxTransport;
  #core: PerformanceCore | undefined;
  #voices: LoadedVoices | undefined;
  #stopped = false;
  /** What each start-up phase took (ms, in the order they ran; models load alongside the first two): for the 'startup' log line and bench:startup. */
  readonly startupMs: Record<string, number> = {};
  /** Resolves once every surface has started (or failed and been reported); `start` does not wait for it. */
  surfacesStarted: Promise<void> = Promise.resolve();

  constructor(parts: BoxParts) {
    this.#parts = parts;
    const { config, hardware, scheduler, log } = parts;
    const perform = config.perform;
    // The voices' models, and whatever else the model knob may step to: nothing is loaded twice or for nothing.
    const models = [
      ...new Set([...perform.parameters.voices.map((v) => String(v.values['model'])), ...perform.models]),
    ];
    this.#params = new ParameterStore(perform.parameters, { models });
    this.#cc = new CcMap(perform.cc);
    this.#threads = new OutputThreads(parts);
    this.devices = new DeviceService({
      ...hardware,
      roles: new RoleBook(config.devices.roles, (d) => this.#surfaceOwns(d.profile?.id)),
      pollMs: config.devices.poll_ms,
      ignore: config.devices.ignore,
      log,
      listener: {
        message: (d, t) => this.#input.device(d, t),
        attached: (d) => this.#outputs.attach(d),
        detached: (d) => {
          this.#outputs.detach(d);
          this.#devicesChanged();
        },
        rolesChanged: (d) => {
          this.#devicesChanged();
          if (this.#bus.snapshot.demo && d.roles.includes('human')) this.#setDemo(false);
        },
      },
    });
    this.clock = new BoxClock({
      scheduler,
      ...(this.#threads.din ? { clockThread: this.#threads.din } : {}),
      threadedUsbOut: (d) => this.#outputs.clockOut(d),
      clock: config.clock,
      din: config.din,
      tempoBpm: Number(this.#params.get('tempo_bpm')),
      devices: () => this.devices.manager.devices(),
      serial: hardware.serial,
      log,
      toSchedulerMs: parts.inputToSchedulerMs,
      onDinHuman: (t) => this.#input.message({ roles: ['human'], ccMapped: true }, t.message, t.timeMs, 'din'),
      ...(parts.openLink ? { link: { config: config.link, open: parts.openLink, log } } : {}),
      report: (level, message) => this.#problem(level, 'device', message),
    });
    this.#input = new BoxInput({
      clock: this.clock,
      devices: this.devices,
      rules: { cc: this.#cc, endCallNote: perform.end_call_note },
      toSchedulerMs: parts.inputToSchedulerMs,
      surfaceOwns: (id) => this.#surfaceOwns(id),
      dispatch: (c) => this.dispatch(c),
      hit: (pitch, velocity, atMs, from) => this.#hit(pitch, velocity, atMs, from),
    });
    this.#outputs = new NoteOutputs({
      scheduler,
      log,
      roleOf: (voice) => this.#roleOf(voice),
      usbThread: this.#threads.usb,
      dinThread: this.#threads.din,
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
    const initial = { parameters: this.#params.state, models, clock: clockStatusOf(this.clock) };
    this.#bus = new BusState(idleSnapshot({ ...initial, transport: this.#transport.status }), log, () =>
      scheduler.nowMs(),
    );
    // The pad's own state light: Magenta's interface reports the engine state on a CC.
    const stateOut = this.#cc.stateOut;
    if (stateOut !== undefined)
      this.subscribe((e) => {
        if (e.kind !== 'engine') return;
        const message = { type: 'controlChange', channel: 0, controller: stateOut, value: STATE_CC[e.state] } as const;
        this.#outputs.sendToRole('human', message, 'engine');
      });
  }

  /** Opens devices and the clock, loads the models and starts listening. Resolves when the box can play. */
  async start(): Promise<void> {
    const { hardware, log, scheduler } = this.#parts;
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
    await this.#threads.ready();
    phase('outputThreads');
    this.devices.start();
    for (const m of hardware.missing) log.warn({ missing: m }, 'hardware unavailable, continuing without it');
    phase('devices');
    this.#voices = await voices;
    phase('modelsAfterThat');
    await this.clock.start();
    phase('clock');
    this.clock.service.onSourceChange(() => this.#clockChanged());
    this.clock.onLinkChange(() => this.#clockChanged());
    if (this.clock.linkStatus()) this.#clockChanged();
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
      onExchange: (x) =>
        reportExchange(x, {
          scheduler,
          view: () => this.clock.timeline,
          record: (e) => this.#recorder.record(e),
          emit: (e) => this.#emit(e),
          problem: (level, code, message) => this.#problem(level, code, message),
          exchanged: (e) => this.#core?.exchanged(e),
        }),
      onUndoDepth: (depth) => this.#transport.undoDepth(depth),
    });
    this.#startBeats();
    this.#emit(devicesEvent(this.devices.manager.devices()));
    this.#logStarted();
    if (!this.devices.manager.devices().some((d) => d.roles.includes('human'))) this.#setDemo(true);
    const ctx = surfaceContext({
      bus: this,
      scheduler,
      timers: hardware.timers,
      log,
      devices: () => this.devices.manager.devices(),
      inputListeners: this.#input.listeners,
      deviceListeners: this.#deviceListeners,
      learn: (c, t) => this.#cc.learn(c, t),
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

  /** The drum class of `pitch` under `model` (-1 when unknown): for printing grids. */
  classOf(model: string, pitch: number): number {
    return this.#voices?.infos.get(model)?.classOf(pitch) ?? -1;
  }

  /** The output threads (DIN, USB), by name: the watchdog pings them. */
  get outputThreads(): readonly { readonly name: string; readonly thread: ClockOutputThread }[] {
    return this.#threads.all;
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
    if (isParameterCommand(command))
      applyParameterCommand(command, {
        params: this.#params,
        clock: this.clock,
        log: this.#parts.log,
        engine: () => this.#core,
        emit: (e) => this.#emit(e),
        clockChanged: () => this.#clockChanged(),
        problem: (level, code, message) => this.#problem(level, code, message),
      });
    else if (command.kind === 'transport' || command.kind === 'recordArm') this.#transport.command(command);
    else this.#core?.control({ kind: command.kind });
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
    const recordings = { recordings: this.#recorder.written, recordingFailures: this.#recorder.failures };
    if (this.#stopped) return { ...recordings, sendTiming: {} };
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
    const threadsDone = this.#threads.dispose().then(() => this.#outputs.closeAll());
    await Promise.all([this.#recorder.flush(), threadsDone.then(() => this.clock.stop())]);
    this.devices.stop();
    this.#voices?.dispose();
    const written = { recordings: this.#recorder.written, recordingFailures: this.#recorder.failures };
    this.#parts.log.info({ stats: this.#core?.stats, sendTiming, ...written }, 'antiphon stopped');
    return { ...written, sendTiming };
  }

  /** Beat events on the box's timeline from now on; none while the transport is stopped. */
  #startBeats(): void {
    const { scheduler } = this.#parts;
    stopBeats(scheduler);
    startBeats(scheduler, this.clock.timeline, scheduler.nowMs(), (bar, beat, atMs) => {
      if (this.#stopped || !this.#transport.playing) return;
      this.#emit({ kind: 'beat', bar, beat, atMs });
      // A followed clock drifts in tempo: say so when it has moved by half a BPM.
      if (Math.abs(this.clock.timeline.tempo() - this.#bus.snapshot.clock.tempo) >= 0.5) this.#clockChanged();
    });
  }

  #logStarted(): void {
    const { config, log, seed } = this.#parts;
    const view = this.clock.timeline;
    const voices = this.#bus.snapshot.parameters.voices.map(
      (v) => `${v.name}:${String(v.values['model'])}->${String(v.values['role'])}/${String(v.values['channel'])}`,
    );
    const din = config.din.enabled ? `${config.din.device} ${config.din.roles.join(',')}` : 'off';
    const [tempo, clockSource, mode] = [view.tempo(), this.clock.service.source, this.#params.get('mode')];
    const songZeroMonoMs = view.timeOfTick(ticks(0));
    log.info({ tempo, clockSource, din, mode, voices, seed, songZeroMonoMs, barMs: barMs(view) }, 'antiphon started');
  }

  /** A hit from the human. Stopped, the box does not listen (thru still plays the human's pad). */
  #hit(pitch: number, velocity: number, atMs: number, from: string): void {
    if (!this.#core || !this.#transport.playing) return;
    if (this.#bus.snapshot.demo && from === 'din') this.#setDemo(false);
    const at = Math.min(this.#parts.scheduler.nowMs(), atMs);
    this.#emit({ kind: 'hit', hit: { pitch, velocity, atMs: at } });
    this.#core.hit(pitch, velocity, at);
  }

  /** Where a voice plays: its registry `role` (response, voice:NAME, ...). */
  #roleOf(voice: string): Role {
    return String(this.#params.get('role', voice)) as Role;
  }

  /**
   * True for a device whose controls and lights a surface owns: Push 2 while its surface
   * runs (its buttons are not Magenta's CCs, and it draws the answers instead of playing them).
   */
  #surfaceOwns(profileId: string | undefined): boolean {
    return profileId === 'push2' && this.#parts.config.push2.enabled;
  }

  #setDemo(on: boolean): void {
    if (this.#bus.snapshot.demo === on || !this.#core) return;
    if (on) this.#core.startDemo();
    else this.#core.stopDemo();
    this.#emit({ kind: 'demo', on });
  }

  #devicesChanged(): void {
    this.#emit(devicesEvent(this.devices.manager.devices()));
    for (const listen of this.#deviceListeners) listen();
  }

  #clockChanged(): void {
    this.#emit({ kind: 'clock', clock: clockStatusOf(this.clock) });
  }

  #problem(level: BoxProblem['level'], code: BoxProblem['code'], message: string): void {
    this.#bus.problem(level, code, message);
  }

  #emit(event: BoxEvent): void {
    this.#bus.emit(event);
  }
}
