import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotifySocketListener, type NotifySocketListener } from '../support/notify-socket-listener.js';

let listener: NotifySocketListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('antiphon start as a Type=notify service', () => {
  it('says READY once it can play, STATUS as it goes, pets the watchdog, and STOPPING after its panic on SIGTERM', async () => {
    listener = await startNotifySocketListener();
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-notify-box-'));
    const config = join(dir, 'antiphon.toml');
    writeFileSync(
      config,
      `[data]\ndir = "${join(dir, 'data')}"\n[perform]\ntempo_bpm = 240\nseed = 5\n[din]\nenabled = false\n[synth]\nenabled = false\n`,
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', config, '--log', 'json'],
      {
        env: { ...process.env, NOTIFY_SOCKET: listener.socketPath, WATCHDOG_USEC: '2000000', WATCHDOG_PID: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const flat = (): string[] => (listener?.messages ?? []).flat();
    const waitFor = async (what: (m: string[]) => boolean, ms: number): Promise<void> => {
      for (const end = Date.now() + ms; Date.now() < end && !what(flat());)
        await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor((m) => m.includes('READY=1'), 45_000);
    await waitFor((m) => m.includes('WATCHDOG=1') && m.filter((x) => x.startsWith('STATUS=')).length >= 2, 15_000);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor((m) => m.includes('STOPPING=1'), 5_000);
    const m = flat();
    expect(code).toBe(0);
    expect(m).toContain('READY=1');
    expect(m.find((x) => x.startsWith('STATUS='))).toMatch(/^STATUS=DEMO \(no pad\), leading at 240\.0 BPM$/);
    expect(m).toContain('WATCHDOG=1');
    expect(m.indexOf('STOPPING=1')).toBeGreaterThan(m.indexOf('READY=1'));
    // The panic's log line comes before STOPPING reaches systemd.
    expect(out).toContain('"msg":"panic"');
  }, 90_000);
});
