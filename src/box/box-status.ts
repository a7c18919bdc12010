import { ticks } from '../clock/units.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import { barMs } from '../perform/bars.js';
import type { AssembledBox } from './box-assembly.js';
import type { BoxClock } from './box-clock.js';
import type { BoxParts } from './box-parts.js';
import type { BoxEvent, ClockStatus } from './bus-types.js';

/** The clock as the bus shows it: source, mode, tempo (to a tenth), lock and Link. */
export function clockStatusOf(clock: BoxClock): ClockStatus {
  const service = clock.service;
  const source = service.source;
  return {
    source,
    mode: service.clockMode,
    tempo: Math.round(clock.timeline.tempo() * 10) / 10,
    locked: source !== 'internal',
    link: clock.linkStatus(),
  };
}

/** The devices event: each connected device's identity, name and roles. */
export function devicesEvent(devices: readonly ConnectedDevice[]): BoxEvent {
  return {
    kind: 'devices',
    devices: devices.map((d) => ({ identity: d.found.identity, name: d.found.description.clientName, roles: d.roles })),
  };
}

/** The 'antiphon started' log line: tempo, clock source, DIN, mode, each voice's model and output, seed, bar length. */
export function logStarted(parts: BoxParts, clock: BoxClock, a: Pick<AssembledBox, 'bus' | 'params'>): void {
  const { config, log, seed } = parts;
  const view = clock.timeline;
  const voices = a.bus.snapshot.parameters.voices.map(
    (v) => `${v.name}:${String(v.values['model'])}->${String(v.values['role'])}/${String(v.values['channel'])}`,
  );
  const din = config.din.enabled ? `${config.din.device} ${config.din.roles.join(',')}` : 'off';
  const [tempo, clockSource, mode] = [view.tempo(), clock.service.source, a.params.get('mode')];
  const songZeroMonoMs = view.timeOfTick(ticks(0));
  log.info({ tempo, clockSource, din, mode, voices, seed, songZeroMonoMs, barMs: barMs(view) }, 'antiphon started');
}
