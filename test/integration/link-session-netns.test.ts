import { hrtimeClock } from '../../src/clock/time-source.js';
import { linkSessionContract } from '../contract/link-session.contract.js';
import { createLinkNetns } from '../support/link-netns.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

linkSessionContract('abletonlink in a network namespace', async () => {
  const netns = createLinkNetns();
  const peer = await netns.start();
  // Link keeps the older session when two meet (ghost time counts from the Link object's
  // creation; under 500 ms apart the choice is random): the peer is older, as Live is.
  await sleep(600);
  const box = await netns.start();
  return { box, peer, nowMs: () => hrtimeClock.nowMs(), wait: sleep, dispose: () => netns.dispose() };
});
