import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkUnavailable } from './ableton-link-session.js';
import { LINK_SCHEMA } from './link-config.js';
import { openLinkSession, requireAbletonLinkBuild } from './open-link.js';

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_: object, message: string) => lines.push({ level, message });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('openLinkSession', () => {
  it('stays off, silently, when [link] is not enabled', async () => {
    const { lines, log } = recordingLog();
    expect(await openLinkSession(LINK_SCHEMA.parse({}), { tempo: 120, quantum: 4, log })).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('stays off Link, with one line saying why, when it cannot keep Link to the listed interfaces', async () => {
    const { lines, log } = recordingLog();
    const config = LINK_SCHEMA.parse({ enabled: true, interfaces: ['eth0'] });
    // A file cannot hold the filter library; without the package the line says that instead.
    expect(
      await openLinkSession(config, { tempo: 120, quantum: 4, log, filterDir: '/dev/null/antiphon-link' }),
    ).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(
      /^Ableton Link is off: (cannot restrict Link to the configured interfaces|the optional package abletonlink is not installed)/,
    );
  });
});

describe('requireAbletonLinkBuild', () => {
  it('names the missing addon when the package is installed but not built (the .deb on arm)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-abletonlink-'));
    expect(() => requireAbletonLinkBuild(dir)).toThrow(LinkUnavailable);
    expect(() => requireAbletonLinkBuild(dir)).toThrow(
      `Ableton Link is off: abletonlink is installed but not built for this machine (${join(dir, 'build', 'Release', 'abletonlink.node')} is missing`,
    );
  });
});

describe('[link] config', () => {
  it('defaults to off, the LAN interfaces and no start/stop sync, and names a bad interface', () => {
    expect(LINK_SCHEMA.parse({})).toEqual({ enabled: false, interfaces: ['eth0', 'wlan0'], start_stop_sync: false });
    const bad = LINK_SCHEMA.safeParse({ interfaces: ['eth0; rm -rf /'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['interfaces', 0]);
    expect(bad.error?.issues[0]?.message).toMatch(/not a network interface name|Invalid/);
  });
});
