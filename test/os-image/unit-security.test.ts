import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const unit = fileURLToPath(new URL('../../os-image/systemd/antiphon.service', import.meta.url));

function systemdAnalyze(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze is needed for this test (Debian package systemd): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('os-image/systemd/antiphon.service', () => {
  it('has an exposure score of at most 3.0 by systemd-analyze security', () => {
    const { status, out } = systemdAnalyze(['security', '--offline=yes', '--no-pager', unit]);
    const figure = /Overall exposure level for antiphon\.service: (\d+\.\d)/.exec(out)?.[1];
    expect(status, out).toBe(0);
    expect(figure, out).toBeDefined();
    console.log(`systemd-analyze security antiphon.service: exposure ${String(figure)}`);
    expect(Number(figure)).toBeLessThanOrEqual(3.0);
  });

  it('passes systemd-analyze verify', () => {
    const { status, out } = systemdAnalyze(['verify', unit]);
    expect(out).toBe('');
    expect(status).toBe(0);
  });
});
