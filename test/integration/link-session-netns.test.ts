import { hrtimeClock } from '../../src/clock/time-source.js';
import { linkSessionContract } from '../contract/link-session.contract.js';
import { createLinkNetns } from '../support/link-netns.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

linkSessionContract('abletonlink in a network namespace', async () => {
  const netns = createLinkNetns();
  const [box, peer] = await Promise.all([netns.start(), netns.start()]);
  return { box, peer, nowMs: () => hrtimeClock.nowMs(), wait: sleep, dispose: () => netns.dispose() };
});
