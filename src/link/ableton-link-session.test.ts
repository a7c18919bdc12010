import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbletonLinkSession, LinkUnavailable } from './ableton-link-session.js';

describe('AbletonLinkSession.start when the package cannot load', () => {
  it('rejects with LinkUnavailable naming the loader error (an arm box where abletonlink has no build)', async () => {
    // What `require('abletonlink')` does where its addon was never compiled: `bindings` throws.
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-link-'));
    const entry = join(dir, 'index.js');
    writeFileSync(
      entry,
      "throw new Error('Could not locate the bindings file. Tried: build/Release/abletonlink.node');\n",
    );
    const started = AbletonLinkSession.start({ modulePath: entry });
    await expect(started).rejects.toBeInstanceOf(LinkUnavailable);
    await expect(started).rejects.toThrow(
      /^Ableton Link is off: abletonlink did not load: Could not locate the bindings/,
    );
  });

  it('rejects with LinkUnavailable when the helper cannot be spawned at all', async () => {
    const started = AbletonLinkSession.start({
      modulePath: '/nonexistent',
      prefix: ['/nonexistent/antiphon-no-such-command'],
    });
    await expect(started).rejects.toBeInstanceOf(LinkUnavailable);
    await expect(started).rejects.toThrow(/the Link helper did not start \(spawn .* ENOENT\)/);
  });
});
