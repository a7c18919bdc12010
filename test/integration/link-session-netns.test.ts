import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { ensureInterfaceFilter, interfaceFilterEnv } from '../../src/link/interface-filter.js';
import { linkSessionContract } from '../contract/link-session.contract.js';
import { createLinkNetns } from '../support/link-netns.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

linkSessionContract('abletonlink in a network namespace', async () => {
  const netns = createLinkNetns();
  const [box, peer] = await Promise.all([netns.start(), netns.start()]);
  return { box, peer, nowMs: () => hrtimeClock.nowMs(), wait: sleep, dispose: () => netns.dispose() };
});

describe('Link joins only the configured interfaces (LD_PRELOAD filter over getifaddrs)', () => {
  it('finds the peer on a listed interface and nobody when its interface is not listed', async () => {
    const netns = createLinkNetns();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-link-filter-'));
    try {
      const library = (): string => ensureInterfaceFilter(dir);
      const peer = await netns.start();
      const listed = await netns.start({ env: interfaceFilterEnv(['eth0', 'lo'], library) });
      const unlisted = await netns.start({ env: interfaceFilterEnv(['eth0', 'wlan0'], library) });
      peer.enable();
      listed.enable();
      unlisted.enable();
      await sleep(1500);
      expect(listed.latest()?.peers).toBe(1);
      expect(unlisted.latest()?.peers).toBe(0);
      expect(peer.latest()?.peers).toBe(1);
    } finally {
      await netns.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
