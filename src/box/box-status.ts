import type { ConnectedDevice } from '../devices/device-manager.js';
import type { BoxClock } from './box-clock.js';
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
