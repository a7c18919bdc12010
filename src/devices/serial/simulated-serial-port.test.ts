import { serialPortContract } from '../../../test/contract/serial-port.contract.js';
import { hrtimeClock } from '../../clock/time-source.js';
import { SimulatedSerialBus } from './simulated-serial-port.js';

serialPortContract('simulator', () => {
  const bus = new SimulatedSerialBus(hrtimeClock);
  const peer = bus.plug('/dev/ttySIM0');
  return Promise.resolve({
    opener: bus,
    path: '/dev/ttySIM0',
    missingPath: '/dev/ttySIM9',
    peerWrite: (bytes) => peer.write(bytes),
    peerReceived: () => peer.received,
    removeDevice: () => peer.remove(),
    dispose: () => Promise.resolve(),
  });
});
