import type { ClockOutputThread } from '../clock/clock-output-thread.js';
import { isParameterCommand, type BoxCommand } from '../control/commands.js';
import type { DeviceService } from '../devices/device-service.js';
import type { BoxClock } from './box-clock.js';
import { assembleBox, type AssembledBox } from './box-assembly.js';
import type { BoxParts } from './box-parts.js';
import { BoxPerformance } from './box-performance.js';
import { clockStatusOf, devicesEvent, logStarted } from './box-status.js';
import { stopBeats } from './beat-events.js';
import type { BoxBus, BoxEvent, BoxProblem, BoxSnapshot } from './bus-types.js';
import { loadVoices, type LoadedVoices } from './voices.js';
import { applyParameterCommand } from './parameter-dispatch.js';
import { surfaceContext, startSurfaces, stopSurfaces } from './surfaces.js';
import type { BoxSurface } from './surface.js';

/**
 * The assembled box: devices, clock, models, the engine and the recorder, behind one bus.
 * Built only from injected parts (wired by box-assembly), so the whole box runs on virtual
 * time in a test. This starts, stops and is the bus; box-performance is what plays.
 */
export class Box implements BoxBus {
  readonly clock: BoxClock;
  readonly devices: DeviceService;
  readonly #parts: BoxParts;
  readonly #a: AssembledBox;
  readonly #deviceListeners = new Set<() => void>();
  #surfaces: readonly BoxSurface[] = [];
  #play: BoxPerformance | undefined;
  #voices: LoadedVoices | undefined;
  #stopped = false;
  /** What each start-up phase took (ms, in the order they ran; models load alongside the first two): for the 'startup' log line and bench:startup. */
  readonly startupMs: Record<string, number> = {};
  /** Resolves once every surface has started (or failed and been reported); `start` does not wait for it. */
  surfacesStarted: Promise<void> = Promise.resolve();

  constructor(parts: BoxParts) {
    this.#parts = parts;
    this.#a = assembleBox(parts, {
      dispatch: (c) => this.dispatch(c),
      hit: (pitch, velocity, atMs, from) => this.#play?.hit(pitch, velocity, atMs, from),
      devicesChanged: (d, how) => {
        this.#emit(devicesEvent(this.devices.manager.devices()));
        for (const listen of this.#deviceListeners) listen();
        if (how === 'roles' && d.roles.includes('human')) this.#play?.setDemo(false);
      },
      enginePlaying: (playing) => this.#play?.core.transport(playing),
      beats: (on) => (on ? this.#play?.startBeats() : stopBeats(parts.scheduler)),
    });
    this.clock = this.#a.clock;
    this.devices = this.#a.devices;
  }

  /** Opens devices and the clock, loads the models and starts listening. Resolves when the box can play. */
  async start(): Promise<void> {
    const { hardware, log, scheduler, seed } = this.#parts;
    const { outputs, transport, bus } = this.#a;
    for (const p of this.#parts.configProblems ?? []) this.#problem('warning', 'config', `${p.path}: ${p.message}`);
    let phaseStart = performance.now();
    const phase = (name: string): void => {
      this.startupMs[name] = Math.round((performance.now() - phaseStart) * 10) / 10;
      phaseStart = performance.now();
    };
    // The models load in their worker while the output threads come up and the devices open.
    const voices = loadVoices(this.#a.models, this.#parts.loadModel, seed, (name, error) =>
      this.#problem('error', 'model', `model '${name}': ${error}`),
    );
    await this.#a.threads.ready();
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
      this.#play?.core.control({ kind: 'panic' });
      if (why !== 'follow') transport.followed(why !== 'stop');
    });
    const play = new BoxPerformance({
      scheduler,
      clock: this.clock,
      voices: this.#voices,
      params: this.#a.params,
      seed,
      log,
      notes: outputs.sink,
      send: (message, voice) => outputs.sendToRole(this.#a.roleOf(voice), message, `voice:${voice}`),
      record: (x) => this.#a.recorder.record(x),
      transport,
      bus,
      clockChanged: () => this.#clockChanged(),
    });
    this.#play = play;
    play.startBeats();
    this.#emit(devicesEvent(this.devices.manager.devices()));
    logStarted(this.#parts, this.clock, this.#a);
    if (!this.devices.manager.devices().some((d) => d.roles.includes('human'))) play.setDemo(true);
    const ctx = surfaceContext({
      bus: this,
      scheduler,
      timers: hardware.timers,
      log,
      devices: () => this.devices.manager.devices(),
      inputListeners: this.#a.input.listeners,
      deviceListeners: this.#deviceListeners,
      learn: (c, t) => this.#a.cc.learn(c, t),
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
    return this.#a.threads.all;
  }

  /** Generations in flight: a harness on virtual time lets them finish before time moves on. */
  get generating(): number {
    return this.#play?.core.generating ?? 0;
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
        params: this.#a.params,
        clock: this.clock,
        log: this.#parts.log,
        engine: () => this.#play?.core,
        bus: this.#a.bus,
        clockChanged: () => this.#clockChanged(),
      });
    else if (command.kind === 'transport' || command.kind === 'recordArm') this.#a.transport.command(command);
    else this.#play?.core.control({ kind: command.kind });
  }

  snapshot(): BoxSnapshot {
    const stats = this.#play?.core.stats;
    return stats ? { ...this.#a.bus.snapshot, stats: { ...stats } } : this.#a.bus.snapshot;
  }

  subscribe(listener: (event: BoxEvent) => void): () => void {
    return this.#a.bus.subscribe(listener);
  }

  /** Panic (note-offs on every output), then closes everything. Recordings in flight are finished first. */
  async stop(): Promise<{ recordings: number; recordingFailures: number; sendTiming: object }> {
    const { recorder, outputs } = this.#a;
    if (this.#stopped) return { recordings: recorder.written, recordingFailures: recorder.failures, sendTiming: {} };
    await this.surfacesStarted;
    await stopSurfaces(this.#surfaces, this.#parts.log);
    this.#stopped = true;
    this.#play?.stop();
    this.devices.manager.releaseAll();
    const sendTiming = outputs.timing();
    stopBeats(this.#parts.scheduler);
    // The threads write the panic's note-offs before they exit, and DIN's fd closes after that.
    const threadsDone = this.#a.threads.dispose().then(() => outputs.closeAll());
    await Promise.all([recorder.flush(), threadsDone.then(() => this.clock.stop())]);
    this.devices.stop();
    this.#voices?.dispose();
    const written = { recordings: recorder.written, recordingFailures: recorder.failures };
    this.#parts.log.info({ stats: this.#play?.core.stats, sendTiming, ...written }, 'antiphon stopped');
    return { ...written, sendTiming };
  }

  #clockChanged(): void {
    this.#emit({ kind: 'clock', clock: clockStatusOf(this.clock) });
  }

  #problem(level: BoxProblem['level'], code: BoxProblem['code'], message: string): void {
    this.#a.bus.problem(level, code, message);
  }

  #emit(event: BoxEvent): void {
    this.#a.bus.emit(event);
  }
}
