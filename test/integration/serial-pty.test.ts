import { NodeSerialPortOpener } from '../../src/devices/serial/node-serial-port.js';
import { serialPortContract } from '../contract/serial-port.contract.js';
import { openPtyPeer } from '../support/pty-peer.js';

// The real `serialport` implementation against a kernel pty (util-linux `script` makes it);
// the VM's ttyS1 run of the same contract lives in test/hwsim.
serialPortContract('serialport on a Linux pty', async () => {
  const peer = await openPtyPeer();
  return {
    opener: new NodeSerialPortOpener(),
    path: peer.path,
    missingPath: '/dev/ttyAMA-not-here',
    peerWrite: (bytes) => peer.write(bytes),
    peerReceived: () => peer.received,
    removeDevice: () => peer.kill(),
    dispose: () => Promise.resolve(peer.kill()),
  };
});
