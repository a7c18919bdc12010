import { join } from 'node:path';
import { CcMap } from '../control/cc-map.js';
import type { BoxCommand } from '../control/commands.js';
import { ParameterStore } from '../control/parameter-store.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { DeviceService } from '../devices/device-service.js';
import { RoleBook, type Role } from '../devices/roles.js';
import { ExchangeRecorder } from '../record/recorder.js';
import { synthVoiceChannels } from '../synth/synth-commands.js';
import { BoxClock } from './box-clock.js';
import { BoxInput } from './box-input.js';
import type { BoxParts } from './box-parts.js';
import { clockStatusOf } from './box-status.js';
import { BoxTransport } from './box-transport.js';
import { idleSnapshot } from './box-state.js';
import { BusState } from './bus-state.js';
import { NoteOutputs } from './note-outputs.js';
import { OutputThreads } from './output-threads.js';

/** The engine state as Magenta's interface reports it on the state CC. */
const STATE_CC = { idle: 0, listening: 1, responding: 2 } as const;

/** What the assembled parts call back into the box for. */
export interface AssemblyHooks {
  readonly dispatch: (command: BoxCommand) => void;
  /** A hit from the human, at a time on the scheduler's clock; `from` is 'din' or the device's instance key. */
  readonly hit: (pitch: number, velocity: number, atMs: number, from: string) => void;
  /** A device left, or its roles changed. */
  readonly devicesChanged: (changed: ConnectedDevice, how: 'detached' | 'roles') => void;
  /** The engine's transport (absent before the box has started). */
  readonly enginePlaying: (playing: boolean) => void;
  /** Beat events on (from now, on the timeline) or off. */
  readonly beats: (on: boolean) => void;
}

/** The box's parts, built and wired to each other. */
export interface AssembledBox {
  /** The voices' models, and whatever else the model knob may step to. */
  readonly models: readonly string[];
  readonly params: ParameterStore;
  readonly cc: CcMap;
  readonly threads: OutputThreads;
  readonly devices: DeviceService;
  readonly clock: BoxClock;
  readonly input: BoxInput;
  readonly outputs: NoteOutputs;
  readonly recorder: ExchangeRecorder;
  readonly transport: BoxTransport;
  readonly bus: BusState;
  /** Where a voice plays now: its registry `role` (response, voice:NAME, ...). */
  readonly roleOf: (voice: string) => Role;
}

/**
 * Builds the box's parts from the injected ones and wires them: device input to routing,
 * routing to the box, the engine's notes to the outputs, the clock to the threads and DIN,
 * the engine's state to the pad's light.
 * Nothing starts here; Box.start does that.
 */
export function assembleBox(parts: BoxParts, hooks: AssemblyHooks): AssembledBox {
  const { config, hardware, scheduler, log } = parts;
  const perform = config.perform;
  // Nothing is loaded twice or for nothing.
  const models = [...new Set([...perform.parameters.voices.map((v) => String(v.values['model'])), ...perform.models])];
  const params = new ParameterStore(perform.parameters, { models });
  const cc = new CcMap(perform.cc);
  const threads = new OutputThreads(parts);
  const roleOf = (voice: string): Role => String(params.get('role', voice)) as Role;
  // Push 2's controls and lights are its surface's while that runs (its buttons are not Magenta's CCs).
  const surfaceOwns = (profileId: string | undefined): boolean => profileId === 'push2' && config.push2.enabled;
  const devices = new DeviceService({
    ...hardware,
    roles: new RoleBook(config.devices.roles, (d) => surfaceOwns(d.profile?.id)),
    pollMs: config.devices.poll_ms,
    ignore: config.devices.ignore,
    log,
    listener: {
      message: (d, t) => input.device(d, t),
      attached: (d) => outputs.attach(d),
      detached: (d) => {
        outputs.detach(d);
        hooks.devicesChanged(d, 'detached');
      },
      rolesChanged: (d) => hooks.devicesChanged(d, 'roles'),
    },
  });
  const clock: BoxClock = new BoxClock({
    scheduler,
    ...(threads.din ? { clockThread: threads.din } : {}),
    threadedUsbOut: (d) => outputs.clockOut(d),
    clock: config.clock,
    din: config.din,
    tempoBpm: Number(params.get('tempo_bpm')),
    devices: () => devices.manager.devices(),
    serial: hardware.serial,
    log,
    toSchedulerMs: parts.inputToSchedulerMs,
    onDinHuman: (t) => input.message({ roles: ['human'], ccMapped: true }, t.message, t.timeMs, 'din'),
    ...(parts.openLink ? { link: { config: config.link, open: parts.openLink, log } } : {}),
    report: (level, message) => bus.problem(level, 'device', message),
  });
  const input: BoxInput = new BoxInput({
    clock,
    devices,
    rules: { cc, endCallNote: perform.end_call_note },
    toSchedulerMs: parts.inputToSchedulerMs,
    surfaceOwns,
    dispatch: hooks.dispatch,
    hit: hooks.hit,
  });
  const outputs: NoteOutputs = new NoteOutputs({
    scheduler,
    log,
    roleOf,
    synthChannelOf: (voice) => synthVoiceChannels(params.state).get(voice),
    usbThread: threads.usb,
    dinThread: threads.din,
    clock,
    devices: () => devices.manager.devices(),
    sendToDevices: (role, m, source) => void devices.manager.sendToRole(role, m, source),
  });
  const recorder = new ExchangeRecorder({
    dir: join(config.data.dir, 'recordings'),
    maxBytes: perform.recordings_max_mb * 1024 * 1024,
    log,
  });
  const transport = new BoxTransport(
    {
      setClockPlaying: (playing) => clock.setPlaying(playing),
      setEnginePlaying: hooks.enginePlaying,
      recorder,
      beats: hooks.beats,
      emit: (e) => bus.emit(e),
      log,
    },
    { playing: true, recordArmed: recorder.armed, undoDepth: 0 },
  );
  const initial = { parameters: params.state, models, clock: clockStatusOf(clock), transport: transport.status };
  const bus = new BusState(idleSnapshot(initial), log, () => scheduler.nowMs());
  // The pad's own state light: Magenta's interface reports the engine state on a CC.
  const stateOut = cc.stateOut;
  if (stateOut !== undefined)
    bus.subscribe((e) => {
      if (e.kind !== 'engine') return;
      const message = { type: 'controlChange', channel: 0, controller: stateOut, value: STATE_CC[e.state] } as const;
      outputs.sendToRole('human', message, 'engine');
    });
  return { models, params, cc, threads, devices, clock, input, outputs, recorder, transport, bus, roleOf };
}
