import { linkSessionContract } from '../../test/contract/link-session.contract.js';
import { virtualScheduler } from '../clock/testing.js';
import { SimulatedLinkNetwork } from './link-simulator.js';

linkSessionContract('simulator', () => {
  const v = virtualScheduler(5000);
  const network = new SimulatedLinkNetwork(v.scheduler);
  const box = network.session({ timingNoiseMs: 0.02, seed: 3 });
  const peer = network.session({ seed: 4 });
  return Promise.resolve({
    box,
    peer,
    nowMs: () => v.clock.nowMs(),
    wait: (ms: number) => {
      v.wakeup.advanceBy(ms);
      return Promise.resolve();
    },
    dispose: async () => {
      await box.dispose();
      await peer.dispose();
    },
  });
});
