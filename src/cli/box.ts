import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { ClockOutputThread } from '../clock/clock-output-thread.js';
import { Priority, Scheduler } from '../clock/scheduler.js';
import { hrtimeClock } from '../clock/time-source.js';
import { ms, ticks } from '../clock/units.js';
import { SpinWakeup } from '../clock/wakeup.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { DeviceService } from '../devices/device-service.js';
import { RoleBook, type Role } from '../devices/roles.js';
import type { MidiMessage, TimedMidiMessage } from '../midi/message.js';
import { ccToAction, paramsFromConfig, stateCcValue } from '../perform/controls.js';
import { DemoPerformer } from '../perform/demo-performer.js';
import { grooveFor } from '../perform/groove.js';
import { PerformanceEngine } from '../perform/engine.js';
import type { Exchange } from '../perform/engine-types.js';
import type { ResponseGenerator } from '../perform/generator-port.js';
import type { ModelInfo } from '../perform/response-pipeline.js';
import { PerformanceSession } from '../perform/session.js';
import { loadVoiceModel } from '../perform/voice-models.js';
import { ExchangeRecorder } from '../record/recorder.js';
import type { Config } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';
import { BoxClock } from './box-clock.js';
import { RoutedNoteSink, type NoteRoute } from './routed-note-sink.js';
import { UsbNoteRoutes } from './usb-note-routes.js';
import { renderExchange } from './drum-grid.js';

export interface BoxOptions {
  /** Stop after this many ms (tests, demos); undefined runs until SIGINT/SIGTERM. */
  readonly runForMs?: number;
}

/**
 * The box: devices, the master clock, the performance engine with its models, recordings.
 * With no device it runs a labelled demo (a built-in call answered by the model, printed
 * as a drum grid) and keeps watching: the first pad plugged in takes over as the human.
 */
export async function runBox(hw: Hardware, config: Config, log: Logger, opts: BoxOptions, out: (line: string) => void): Promise<number> {
  const cfg = config.perform;
  const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock));
  // The device layer stamps input with performance.now(); the scheduler runs on hrtime.
  const toSchedulerMs = hrtimeClock.nowMs() - performance.now();
  // Device input can arrive while models load; it is dropped until the session exists.
  const live: { session?: PerformanceSession } = {};
  let demo: DemoPerformer | undefined;
  // A human's hit or control, at a time on the scheduler's clock.
  const humanMessage = (m: MidiMessage, atMs: number): void => {
    const session = live.session;
    if (!session) return;
    if (m.type === 'noteOn' && m.velocity > 0) {
      if (m.note === cfg.end_call_note) session.control({ kind: 'endCall' });
      else session.hit(m.note, m.velocity, Math.min(scheduler.nowMs(), atMs));
      return;
    }
    const action = ccToAction(m, cfg, cfg.models);
    if (action?.kind === 'engine') session.control(action.control);
    else if (action?.kind === 'tempo' && !clock.setTempo(action.bpm)) log.info({ bpm: action.bpm }, 'tempo knob ignored: following an external clock');
  };
  // Timed notes and clock leave from their own threads at SCHED_FIFO (when allowed): one for
  // DIN, one for USB MIDI, so an ALSA port opening (which can sleep in the kernel) never holds DIN up.
  const outputThread = (name: string): ClockOutputThread => {
    const thread = new ClockOutputThread({ realtime: true });
    thread.onPriority((ok, detail) => (ok ? log.info({ thread: name }, 'output thread runs SCHED_FIFO') : log.warn({ thread: name, detail }, 'output thread stays at normal priority')));
    return thread;
  };
  const usbThread = hw.backend.kind === 'alsa' ? outputThread('usb') : undefined;
  const usbRoutes = new UsbNoteRoutes(usbThread, log);
  const onMessage = (d: ConnectedDevice, t: TimedMidiMessage): void => {
    if (clock.deviceMessage(d, t) || !d.roles.includes('human')) return;
    const m = t.message;
    if (m.type === 'noteOn' || m.type === 'noteOff') clock.sendToDin('thru', m);
    humanMessage(m, t.timeMs + toSchedulerMs);
  };
  const service = new DeviceService({
    ...hw, roles: new RoleBook(config.devices.roles), pollMs: config.devices.poll_ms, ignore: config.devices.ignore, log,
    listener: {
      message: onMessage,
      attached: (d) => usbRoutes.attach(d),
      detached: (d) => usbRoutes.detach(d),
      rolesChanged: (d) => {
        if (demo?.running && d.roles.includes('human')) {
          demo.stop();
          out(`*** LIVE: ${d.found.description.clientName} is the human; the demo has stopped. ***`);
        }
      },
    },
  });
  // DIN's clock and notes are written by their own thread: the main thread's GC and model work cannot delay them.
  const clockThread = config.din.enabled ? outputThread('din') : undefined;
  await Promise.all([clockThread?.ready(), usbThread?.ready()]);
  const threads = [clockThread, usbThread].filter((t): t is ClockOutputThread => t !== undefined);
  const clock = new BoxClock({
    scheduler, ...(clockThread ? { clockThread } : {}), threadedUsbOut: (d) => usbRoutes.clockOut(d), clock: config.clock, din: config.din, tempoBpm: cfg.tempo_bpm, devices: () => service.manager.devices(), serial: hw.serial, log,
    toSchedulerMs: (t) => t + toSchedulerMs,
    // DIN input is stamped on the scheduler's clock already.
    onDinHuman: (t) => {
      if (t.message.type === 'noteOn' || t.message.type === 'noteOff') service.manager.sendToRole('thru', t.message, 'din');
      if (demo?.running && t.message.type === 'noteOn' && t.message.velocity > 0) {
        demo.stop();
        out('*** LIVE: DIN MIDI in is the human; the demo has stopped. ***');
      }
      humanMessage(t.message, t.timeMs);
    },
  });
  service.start();
  for (const m of hw.missing) log.warn({ missing: m }, 'hardware unavailable, continuing without it');

  const seed = cfg.seed ?? randomInt(1, 2 ** 31);
  const names = [...new Set([...cfg.models, ...cfg.voices.map((v) => v.model)])];
  const generators = new Map<string, ResponseGenerator>();
  const infos = new Map<string, ModelInfo>();
  let placeholder = false;
  let slowestMsPerStep = 0;
  for (const name of names) {
    const loaded = await loadVoiceModel(name, log, seed, 'worker');
    placeholder ||= loaded.placeholder;
    slowestMsPerStep = Math.max(slowestMsPerStep, loaded.msPerStep ?? 0);
    generators.set(name, loaded.generator);
    const g = loaded.generator;
    infos.set(name, { name: g.name, classOf: (p) => g.classOf(p), classPitches: g.classPitches, groove: grooveFor(cfg.groove, loaded.groove) });
  }

  await clock.start();
  const view = clock.timeline;
  const base = paramsFromConfig(cfg, seed);
  // The first decision uses the boot-time measurement (with headroom); later ones learn.
  const params = slowestMsPerStep > 0 ? { ...base, initialMsPerStep: slowestMsPerStep * 1.5 } : base;
  const engine = new PerformanceEngine({ view, models: infos, params });
  const recorder = new ExchangeRecorder({ dir: join(config.data.dir, 'recordings'), maxBytes: cfg.recordings_max_mb * 1024 * 1024, log });
  // An exchange is confirmed on its response's downbeat, the busiest instant for the scheduler:
  // printing and encoding it wait half a 16th, between the grid's notes.
  const onExchange = (x: Exchange): void => {
    const downbeat = (x.turns[0]?.startBar ?? 0) * view.stepsPerBar * 6;
    scheduler.callAt(Math.max(scheduler.nowMs(), view.timeOfTick(ticks(downbeat + 3))), () => handleExchange(x), Priority.note, 'exchange-report');
  };
  const handleExchange = (x: Exchange): void => {
    void recorder.record(x);
    log.info(sendTiming(), 'send timing');
    const label = demo?.running ? 'DEMO ' : '';
    out(`\n${label}${renderExchange(x, (p) => infos.get(cfg.voices[0]?.model ?? 'default')?.classOf(p) ?? -1)}`);
    demo?.exchanged(x);
  };
  const routes = (role: Role): NoteRoute[] => {
    const out: NoteRoute[] = [];
    const din = clock.dinNoteRoute(role);
    if (din) out.push(din);
    for (const d of service.manager.devices()) {
      const r = d.roles.includes(role) ? usbRoutes.route(d) : undefined;
      if (r) out.push(r);
    }
    return out;
  };
  const notes = new RoutedNoteSink({ scheduler, routes, threads: () => threads });
  // Lateness of the notes and ticks at each output thread, and of the main thread's own sends.
  const sendTiming = (): object => ({
    main: notes.directTiming,
    ...(clockThread ? { din: clockThread.lateness() } : {}),
    ...(usbThread ? { usb: usbThread.lateness() } : {}),
  });
  const session = new PerformanceSession({
    scheduler, view, engine, generators, log, onExchange, notes,
    send: (role, message, voice) => {
      service.manager.sendToRole(role, message, `voice:${voice}`);
      clock.sendToDin(role, message);
    },
    onState: (state) => {
      log.info({ state }, 'engine state');
      service.manager.sendToRole('human', { type: 'controlChange', channel: 0, controller: cfg.cc.state_out, value: stateCcValue(state) }, 'engine');
    },
  });
  live.session = session;
  // The followed clock restarted or stopped the song: what the engine holds belongs to the old one.
  clock.onTimelineJump((why) => {
    log.info({ why }, 'song timeline jumped; engine reset');
    session.control({ kind: 'panic' });
  });
  session.start();
  // Song position 0 on CLOCK_MONOTONIC (ms), so tools on the same machine can find the bar lines.
  const songZeroMonoMs = view.timeOfTick(ticks(0));
  const barMs = view.timeOfTick(ticks(view.stepsPerBar * 6)) - songZeroMonoMs;
  log.info({ tempo: view.tempo(), clockSource: clock.service.source, din: config.din.enabled ? `${config.din.device} ${config.din.roles.join(',')}` : 'off', mode: cfg.mode, voices: cfg.voices.map((v) => `${v.name}:${v.model}->${v.role}/${v.channel}`), seed, songZeroMonoMs, barMs }, 'antiphon started');

  if (!service.manager.devices().some((d) => d.roles.includes('human'))) {
    out('*** DEMO MODE: no drum pad found. A built-in call is answered by the model; plug in a pad to play. ***');
    if (placeholder) out('*** DEMO uses an UNTRAINED placeholder model: no trained model is installed under models/. ***');
    demo = new DemoPerformer(session, scheduler, view);
    demo.start();
  }

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      demo?.stop();
      session.control({ kind: 'panic' });
      session.stop();
      service.manager.releaseAll();
      const timing = sendTiming();
      // The threads write the panic's note-offs before they exit, and DIN's fd closes after that.
      const threadsDone = Promise.all(threads.map((t) => t.dispose())).then(() => usbRoutes.closeAll());
      void Promise.all([recorder.flush(), threadsDone.then(() => clock.stop())]).then(() => {
        service.stop();
        scheduler.dispose();
        for (const g of generators.values()) g.dispose();
        log.info({ stats: engine.stats, sendTiming: timing, recordings: recorder.written.length, recordingFailures: recorder.failures }, 'antiphon stopped');
        resolve(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (opts.runForMs !== undefined) scheduler.callAt(ms(scheduler.nowMs() + opts.runForMs), stop, 0, 'box-stop');
  });
}
